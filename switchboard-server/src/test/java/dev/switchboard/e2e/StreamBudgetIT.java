package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SseEvents;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stream that outgrows what admission reserved for it asks for more room as it goes; when the key's budget has
 * none, the client gets a clear error event and the upstream is cancelled, instead of an unbounded bill.
 */
class StreamBudgetIT {
    FakeUpstream upstream;
    GatewayFixture gateway;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-upstream-secret-456 }
                prices: { "gpt-4o": { input: 1000, output: 1000 } }
                limits: { default_max_tokens: 16 }
                keys:
                  - { name: capped, key: %s, budget: { usd: 0.5, period: day } }
                """.formatted(upstream.baseUrl(), GatewayFixture.KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aStreamBeyondItsBudgetIsCutWithAnErrorEvent() {
        upstream.enqueue(upstream.flood(2_000_000)); // far more output than 16 tokens, as fast as the gateway takes it
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"fake/gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"write a lot\"}]}");
        assertThat(r.statusCode()).isEqualTo(200); // admitted: the reserved worst case fit the budget
        List<String> data = SseEvents.data(r.body());
        String last = data.get(data.size() - 1);
        assertThat(last).contains("\"error\"").contains("budget_exceeded").contains("stopped");
        assertThat(data).doesNotContain("[DONE]");
        assertThat(r.body().length()).isLessThan(200_000); // cut early, not after the whole flood
    }

    @Test
    void aStreamWithinItsReservationIsNotTouched() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"fake/gpt-4o\",\"stream\":true,\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(SseEvents.data(r.body())).last().isEqualTo("[DONE]");
        assertThat(gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0).costUsd()).isGreaterThan(0);
    }
}
