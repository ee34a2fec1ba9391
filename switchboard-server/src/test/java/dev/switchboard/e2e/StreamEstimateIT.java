package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LimitTesting;
import dev.switchboard.testing.SseEvents;
import dev.switchboard.usage.UsageEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams without max_tokens reserve only the expected output (256 tokens before the model's first answer): one that
 * goes far beyond it is extended step by step while the budget has room and settled at its real usage; one that
 * outgrows its budget is cut with an error event, and what is recorded for it never passes the budget. Prices: input
 * 1, output 10 USD per million tokens (one step of 1024 tokens = 10,240 micro-USD).
 */
class StreamEstimateIT {
    static final String ROOMY = "sk-stream-roomy-0001";   // $1: room for the stream's steps
    static final String TIGHT = "sk-stream-tight-0002";   // $0.02: the reservation and one step, not two
    static final long TIGHT_MICRO_USD = 20_000;
    static final long STEP_MICRO_USD = 1024 * 10;

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-up-stream }
                prices:
                  "long-model": { input: 1, output: 10 }
                  "cut-model": { input: 1, output: 10 }
                keys:
                  - { name: roomy, key: %s, budget: { usd: 1, period: day } }
                  - { name: tight, key: %s, budget: { usd: 0.02, period: day } }
                """.formatted(upstream.baseUrl(), ROOMY, TIGHT));
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

    /** A role chunk, {@code n} content chunks of a sentence each, then (optionally) the usage chunk and [DONE]. */
    static List<String> longStream(int n, long completionTokens) {
        List<String> chunks = new ArrayList<>();
        chunks.add("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
        for (int i = 0; i < n; i++) {
            chunks.add("data: " + SseEvents.chunk("the quick brown fox jumps over the lazy dog again and again ") + "\n\n");
        }
        chunks.add("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":"
                + completionTokens + ",\"total_tokens\":" + (11 + completionTokens) + "}}\n\n");
        chunks.add("data: [DONE]\n\n");
        return chunks;
    }

    @Test
    void aStreamFarBeyondTheExpectedOutputIsExtendedAndSettledAtItsRealUsage() {
        List<String> chunks = longStream(600, 6000);
        long bytes = chunks.stream().mapToLong(String::length).sum();
        assertThat(bytes / 4).as("measured output: many steps beyond the 256 expected").isGreaterThan(16 * 1024);
        upstream.enqueue(upstream.rawStream(chunks, Duration.ZERO));
        HttpResponse<String> r = LimitTesting.send(gateway.baseUrl(), ROOMY, LimitTesting.chat("fake/long-model", null, true));
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = SseEvents.data(r.body());
        assertThat(data).last().isEqualTo("[DONE]");
        assertThat(r.body()).doesNotContain("\"error\"");
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(5)).get(0);
        assertThat(e.usageReported()).isTrue();
        assertThat(e.costUsd()).as("settled at the real usage").isEqualTo((11 * 1 + 6000 * 10) / 1e6);
    }

    @Test
    void aStreamBeyondItsBudgetIsCutWithAnErrorEventAndRecordedWithinIt() {
        List<String> chunks = longStream(2000, 30_000);
        long total = chunks.stream().mapToLong(String::length).sum();
        upstream.enqueue(upstream.rawStream(chunks, Duration.ZERO));
        HttpResponse<String> r = LimitTesting.send(gateway.baseUrl(), TIGHT, LimitTesting.chat("fake/cut-model", null, true));
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = SseEvents.data(r.body());
        assertThat(data.get(data.size() - 1)).contains("\"error\"").contains("budget_exceeded").contains("stopped");
        assertThat(data).doesNotContain("[DONE]");
        // cut after the reservation and the one step that fit: measured 256 + 1024 tokens (4 bytes each), not the whole
        assertThat((long) r.body().length()).isLessThan(Math.min(total, (256 + 2 * 1024) * 4 + 4096));
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(5)).get(0);
        assertThat(e.usageReported()).isFalse();
        // the charge is what was held: the reservation and the granted step, never more than the budget
        assertThat(e.costUsd()).isGreaterThan(STEP_MICRO_USD / 1e6).isLessThanOrEqualTo(TIGHT_MICRO_USD / 1e6);
    }
}
