package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RawHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that does not read its stream makes the gateway pause the upstream; that wait is the client's, so it must
 * not reach the target's breaker or statistics (it used to end as the provider's idle timeout and open the breaker
 * of a target other keys share). A provider that really stalls still times out and counts.
 */
class SlowReaderBreakerIT {
    static final String OTHER_KEY = "sk-other-client-key-789";

    FakeUpstream primary;
    FakeUpstream backup;
    GatewayFixture gateway;

    @BeforeEach
    void start() {
        primary = FakeUpstream.start();
        backup = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: primary, type: openai, base_url: %s, api_key: k, timeouts: { idle: 1s } }
                  - { name: backup, type: openai, base_url: %s, api_key: k }
                keys:
                  - { name: tester, key: %s }
                  - { name: other, key: %s }
                breaker: { consecutive_failures: 3, cooldown: 60s }
                routes:
                  - name: gpt
                    rules:
                      - targets: [primary/gpt-4o, backup/gpt-4o]
                """.formatted(primary.baseUrl(), backup.baseUrl(), GatewayFixture.KEY, OTHER_KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        primary.close();
        backup.close();
    }

    @Test
    void clientsThatNeverReadDoNotOpenTheSharedBreaker() throws Exception {
        List<RawHttp> sleepers = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                primary.enqueue(primary.flood(64L * 1024 * 1024));
                RawHttp raw = RawHttp.connect(gateway.port(), 4096);
                raw.write(RawHttp.post("/v1/chat/completions",
                        "{\"model\":\"gpt\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"flood\"}]}"));
                sleepers.add(raw);
            }
            // paused for longer than the idle timeout: the gateway gives those streams up (the client's doing)
            ProviderConnectionCapIT.awaitUntil(() -> gateway.gateway().metrics().scrape()
                            .contains("switchboard_upstream_connections_in_use{gen_ai_provider_name=\"primary\"} 0.0"),
                    "the gateway lets go of the upstreams held up by clients that do not read");
            assertThat(breakerOfPrimary()).isEqualTo("closed");
            assertThat(gateway.gateway().metrics().scrape())
                    .contains("switchboard_breaker_state{gen_ai_provider_name=\"primary\",target=\"primary/gpt-4o\"} 0.0")
                    .containsPattern("switchboard_upstream_attempts_total\\{[^}]*outcome=\"abandoned\",target=\"primary/gpt-4o\"} 5.0")
                    .doesNotContain("outcome=\"upstream_timeout\"");

            HttpResponse<String> other = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + OTHER_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build());
            assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
            assertThat(other.headers().firstValue("x-switchboard-provider")).hasValue("primary");
        } finally {
            sleepers.forEach(RawHttp::close);
        }
    }

    @Test
    void aProviderThatStallsMidStreamStillTimesOutAndCounts() throws Exception {
        primary.enqueue((req, body) -> req.response().setChunked(true).putHeader("content-type", "text/event-stream")
                .write("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n"));
        long t0 = System.nanoTime();
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"gpt\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"content\":\"hi\"").contains("upstream_timeout").doesNotContain("[DONE]");
        assertThat(millis).isBetween(900L, 5_000L);
        assertThat(gateway.gateway().metrics().scrape())
                .containsPattern("switchboard_upstream_attempts_total\\{[^}]*outcome=\"upstream_timeout\",target=\"primary/gpt-4o\"} 1.0");
    }

    private String breakerOfPrimary() {
        HttpResponse<String> r = gateway.get("/health/providers");
        assertThat(r.statusCode()).isEqualTo(200);
        String body = r.body();
        int at = body.indexOf("\"target\":\"primary/gpt-4o\"");
        assertThat(at).as(body).isNotNegative();
        int breaker = body.indexOf("\"breaker\":\"", at);
        return body.substring(breaker + 11, body.indexOf('"', breaker + 11));
    }
}
