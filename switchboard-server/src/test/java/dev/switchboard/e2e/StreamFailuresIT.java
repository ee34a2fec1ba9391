package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static dev.switchboard.testing.ErrorBodies.assertErrorJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RawHttp;
import dev.switchboard.testing.SseEvents;
import dev.switchboard.usage.UsageEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Streams that break: the upstream drops mid-stream or truncates, or the client goes away. */
class StreamFailuresIT {
    static final String STREAM_CHAT = "{\"model\":\"smart\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.openAi(upstream);
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

    @Test
    void midStreamDropDeliversWhatCameThenOneErrorEventAndNoDone() {
        upstream.enqueue(upstream.dropAfter(List.of(SseEvents.chunk("Hel"), SseEvents.chunk("lo")), Duration.ofMillis(20)));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_CHAT);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<String> events = SseEvents.data(r.body());
        assertThat(events).hasSize(3);
        assertThat(events.subList(0, 2)).containsExactly(SseEvents.chunk("Hel"), SseEvents.chunk("lo"));
        assertErrorJson(events.get(2), "api_error", "upstream_stream_interrupted");
        assertThat(r.body()).doesNotContain("[DONE]").doesNotContain("\"finish_reason\":\"");
        UsageEvent usage = gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0);
        assertThat(usage.stream()).isTrue();
        assertThat(usage.usageReported()).isFalse();
    }

    @Test
    void upstreamThatEndsInsideAnEventIsReportedAsInterrupted() {
        // A clean end of the HTTP body, but the last event was cut in half: that is not a finished stream.
        upstream.enqueue(upstream.rawStream(List.of("data: " + SseEvents.chunk("whole") + "\n\n", "data: {\"id\":\"chatcmpl-1\",\"obj"),
                Duration.ofMillis(20)));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_CHAT);
        List<String> events = SseEvents.data(r.body());
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isEqualTo(SseEvents.chunk("whole"));
        assertErrorJson(events.get(1), "api_error", "upstream_stream_interrupted");
        assertThat(r.body()).doesNotContain("[DONE]").doesNotContain("\"obj\n");
    }

    @Test
    void upstreamClosingBeforeAnyAnswerIs502() {
        upstream.enqueue((req, b) -> req.connection().close());
        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_CHAT);
        assertError(r, 502, "api_error", "upstream_unreachable");
        assertThat(r.body()).doesNotContain("data:");
    }

    @Test
    void clientLeavingMidStreamClosesTheUpstreamAndRecords499() {
        List<String> chunks = IntStream.range(0, 100).mapToObj(i -> "data: " + SseEvents.chunk("w" + i) + "\n\n").toList();
        upstream.enqueue(upstream.rawStream(chunks, Duration.ofMillis(50)));
        int closedBefore = upstream.closedConnections();
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            raw.write(RawHttp.post("/v1/chat/completions", STREAM_CHAT));
            String seen = raw.readUntil("w1", Duration.ofSeconds(3));
            assertThat(seen).startsWith("HTTP/1.1 200").contains("data: ");
        }
        TimeoutsIT.awaitUntil(() -> upstream.closedConnections() > closedBefore, "the gateway closes the upstream connection");
        UsageEvent usage = gateway.usage().awaitEvents(1, Duration.ofSeconds(3)).get(0);
        assertThat(usage.status()).isEqualTo(499);
        assertThat(usage.stream()).isTrue();
        assertThat(usage.keyName()).isEqualTo("tester");
        assertThat(upstream.streamedBytes()).isLessThan(chunks.stream().mapToLong(String::length).sum());
    }

    @Test
    void clientLeavingBeforeTheUpstreamAnswersClosesTheUpstreamAndRecords499() {
        upstream.enqueue(FakeUpstream.hang());
        int closedBefore = upstream.closedConnections();
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            raw.write(RawHttp.post("/v1/chat/completions", STREAM_CHAT));
            TimeoutsIT.awaitUntil(() -> !upstream.requests().isEmpty(), "the request reaches the upstream");
        }
        TimeoutsIT.awaitUntil(() -> upstream.closedConnections() > closedBefore, "the gateway closes the upstream connection");
        UsageEvent usage = gateway.usage().awaitEvents(1, Duration.ofSeconds(3)).get(0);
        assertThat(usage.status()).isEqualTo(499);
    }

    @Test
    void gatewayServesNormallyAfterBrokenStreams() {
        upstream.enqueue(upstream.dropAfter(List.of(SseEvents.chunk("x")), Duration.ZERO));
        gateway.post("/v1/chat/completions", STREAM_CHAT);
        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_CHAT);
        List<String> events = SseEvents.data(r.body());
        assertThat(events).last().isEqualTo("[DONE]");
        assertThat(String.join("", events)).contains("echo: ");
    }
}
