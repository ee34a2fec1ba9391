package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static dev.switchboard.testing.ErrorBodies.assertErrorJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SseEvents;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream deadlines: first byte, idle gap, total, and an unreachable upstream. Each provider has its own
 * short setting, so a test that passes within a second proves the configured value was used, not the default.
 */
class TimeoutsIT {
    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() throws IOException {
        upstream = FakeUpstream.start();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fb, type: openai, base_url: ${UPSTREAM}, api_key: %1$s, timeouts: { first_byte: 300ms } }
                  - { name: idle, type: openai, base_url: ${UPSTREAM}, api_key: %1$s, timeouts: { idle: 400ms } }
                  - { name: total, type: openai, base_url: ${UPSTREAM}, api_key: %1$s, timeouts: { total: 700ms } }
                  - { name: dead, type: openai, base_url: "http://127.0.0.1:%2$d/v1", api_key: %1$s, timeouts: { connect: 2s } }
                keys:
                  - { name: tester, key: %3$s }
                """.formatted(GatewayFixture.UPSTREAM_KEY, closedPort, GatewayFixture.KEY).replace("${UPSTREAM}", upstream.baseUrl()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
        gateway.usage().clear();
    }

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private record Timed(HttpResponse<String> response, long millis) {}

    private static Timed post(String body) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = gateway.post("/v1/chat/completions", body);
        return new Timed(r, (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void hangingUpstreamIs504AfterTheFirstByteTimeout() {
        upstream.enqueue(FakeUpstream.hang());
        int closedBefore = upstream.closedConnections();
        Timed t = post(chat("fb/gpt-4o", false));
        JsonNode error = assertError(t.response(), 504, "timeout_error", "upstream_timeout");
        assertThat(error.get("message").asText()).contains("Provider 'fb'").contains("first_byte timeout of 300 ms");
        assertThat(t.millis()).isBetween(290L, 1500L);
        awaitUntil(() -> upstream.closedConnections() > closedBefore, "the gateway closes the hanging upstream connection");
        assertThat(gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0).status()).isEqualTo(504);
    }

    @Test
    void hangingUpstreamOfAStreamingRequestIsAJson504() {
        upstream.enqueue(FakeUpstream.hang());
        Timed t = post(chat("fb/gpt-4o", true));
        assertError(t.response(), 504, "timeout_error", "upstream_timeout");
        assertThat(t.millis()).isBetween(290L, 1500L);
    }

    @Test
    void slowButInTimeUpstreamIsNotCut() {
        upstream.enqueue(upstream.delayed(Duration.ofMillis(100)));
        Timed t = post(chat("fb/gpt-4o", false));
        assertThat(t.response().statusCode()).as(t.response().body()).isEqualTo(200);
    }

    @Test
    void closedPortIs502Unreachable() {
        Timed t = post(chat("dead/gpt-4o", false));
        JsonNode error = assertError(t.response(), 502, "api_error", "upstream_unreachable");
        assertThat(error.get("message").asText()).contains("Provider 'dead'").contains("unreachable");
        assertThat(t.millis()).isLessThan(1500L);
    }

    @Test
    void idleGapInAStreamEndsItWithOneErrorEventAndNoDone() {
        upstream.enqueue(upstream.rawStream(List.of("data: " + SseEvents.chunk("one") + "\n\n", "data: " + SseEvents.chunk("late") + "\n\n",
                "data: [DONE]\n\n"), Duration.ofSeconds(3)));
        Timed t = post(chat("idle/gpt-4o", true));
        assertThat(t.response().statusCode()).isEqualTo(200);
        List<String> events = SseEvents.data(t.response().body());
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isEqualTo(SseEvents.chunk("one"));
        JsonNode error = assertErrorJson(events.get(1), "timeout_error", "upstream_timeout");
        assertThat(error.get("message").asText()).contains("idle timeout of 400 ms");
        assertThat(t.response().body()).doesNotContain("[DONE]").doesNotContain("late");
        assertThat(t.millis()).isBetween(390L, 2000L);
    }

    @Test
    void steadyStreamSlowerThanIdleInTotalIsNotCut() {
        List<String> chunks = IntStream.range(0, 5).mapToObj(i -> "data: " + SseEvents.chunk("w" + i) + "\n\n").toList();
        upstream.enqueue(upstream.rawStream(concat(chunks, "data: [DONE]\n\n"), Duration.ofMillis(200)));
        Timed t = post(chat("idle/gpt-4o", true));
        List<String> events = SseEvents.data(t.response().body());
        assertThat(events).hasSize(6).last().isEqualTo("[DONE]");
        assertThat(t.millis()).isGreaterThan(800L);
    }

    @Test
    void nonStreamedBodyTricklingInSlowerThanIdleInTotalIsNotCut() {
        // Headers first, then the JSON body in pieces 200 ms apart: every gap is within the 400 ms idle timeout.
        String body = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"slow\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
        upstream.enqueue((req, b) -> {
            HttpServerResponse res = req.response().setChunked(true).putHeader("content-type", "application/json");
            res.writeHead();
            int step = body.length() / 5 + 1;
            for (int i = 0; i < 5; i++) {
                String piece = body.substring(Math.min(body.length(), i * step), Math.min(body.length(), (i + 1) * step));
                boolean last = i == 4;
                upstream.vertx().setTimer(200L * (i + 1), id -> {
                    if (last) {
                        res.end(piece);
                    } else {
                        res.write(piece);
                    }
                });
            }
        });
        Timed t = post(chat("idle/gpt-4o", false));
        assertThat(t.response().statusCode()).as(t.response().body()).isEqualTo(200);
        assertThat(t.response().body()).isEqualTo(body);
    }

    @Test
    void nonStreamedBodyStallingAfterTheHeadersIs504() {
        upstream.enqueue((req, b) -> req.response().setChunked(true).putHeader("content-type", "application/json").write("{\"id\":"));
        Timed t = post(chat("idle/gpt-4o", false));
        JsonNode error = assertError(t.response(), 504, "timeout_error", "upstream_timeout");
        assertThat(error.get("message").asText()).contains("idle timeout of 400 ms");
        assertThat(t.millis()).isBetween(390L, 2000L);
    }

    @Test
    void totalTimeoutCutsAStreamThatKeepsGoing() {
        List<String> chunks = IntStream.range(0, 30).mapToObj(i -> "data: " + SseEvents.chunk("w" + i) + "\n\n").toList();
        upstream.enqueue(upstream.rawStream(chunks, Duration.ofMillis(100)));
        Timed t = post(chat("total/gpt-4o", true));
        List<String> events = SseEvents.data(t.response().body());
        assertThat(events.size()).isBetween(3, 10);
        assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> assertThat(e).contains("chat.completion.chunk"));
        JsonNode error = assertErrorJson(events.get(events.size() - 1), "timeout_error", "upstream_timeout");
        assertThat(error.get("message").asText()).contains("total timeout of 700 ms");
        assertThat(t.response().body()).doesNotContain("[DONE]");
        assertThat(t.millis()).isBetween(690L, 2200L);
    }

    @Test
    void totalTimeoutCutsASlowNonStreamedAnswer() {
        upstream.enqueue(upstream.delayed(Duration.ofSeconds(3)));
        Timed t = post(chat("total/gpt-4o", false));
        JsonNode error = assertError(t.response(), 504, "timeout_error", "upstream_timeout");
        assertThat(error.get("message").asText()).contains("total timeout of 700 ms");
        assertThat(t.millis()).isBetween(690L, 2200L);
    }

    private static List<String> concat(List<String> a, String b) {
        return java.util.stream.Stream.concat(a.stream(), java.util.stream.Stream.of(b)).toList();
    }

    static void awaitUntil(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
