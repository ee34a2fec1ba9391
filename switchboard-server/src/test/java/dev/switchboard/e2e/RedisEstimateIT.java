package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ErrorBodies;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LimitTesting;
import dev.switchboard.testing.RedisProcess;
import dev.switchboard.testing.SseEvents;
import dev.switchboard.usage.UsageEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The estimate reservation through a real Redis: counters there grant what is left when less than the estimate, and
 * what they granted (not what was wished) is what an abandoned or cut call is charged.
 */
class RedisEstimateIT {
    static final String TPM_KEY = "sk-redis-estimate-0001";
    static final String TIGHT_KEY = "sk-redis-estimate-0002";

    static FakeUpstream upstream;
    static RedisProcess redis;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        redis = new RedisProcess();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                redis: { url: "%s", prefix: "estimate%d:", timeout: 3s, on_failure: fail_closed }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-up-redis-estimate }
                prices:
                  "cut-model": { input: 1, output: 10 }
                keys:
                  - { name: tpm, key: %s, limits: { tokens_per_minute: 200 } }
                  - { name: tight, key: %s, budget: { usd: 0.002, period: day } }
                """.formatted(redis.url(), System.nanoTime(), upstream.baseUrl(), TPM_KEY, TIGHT_KEY)); // own counters per run
    }

    @AfterAll
    static void stop() {
        gateway.close();
        redis.close();
        upstream.close();
    }

    @Test
    void aSmallTokenLimitInRedisServesUntilTheRealUsageReachesIt() {
        String body = LimitTesting.chat("fake/redis-tpm-model", null, false);
        int served = 0;
        HttpResponse<String> last;
        while (true) {
            last = LimitTesting.send(gateway.baseUrl(), TPM_KEY, body);
            if (last.statusCode() != 200) {
                // settlements reach Redis in batches off the request path: give the last refund a moment to land
                sleep(300);
                last = LimitTesting.send(gateway.baseUrl(), TPM_KEY, body);
                if (last.statusCode() != 200) {
                    break;
                }
            }
            served++;
            assertThat(served).isLessThan(50);
        }
        ErrorBodies.assertError(last, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(LimitTesting.header(last, "retry-after")).isBetween(1L, 65L);
        assertThat(18L * (served - 1)).isLessThan(200);
        assertThat(18L * served).isGreaterThan(200 - 18);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aStreamGrantedLessThanItsEstimateByRedisIsCutAndChargedWhatWasHeld() {
        List<String> chunks = StreamEstimateIT.longStream(2000, 30_000);
        upstream.enqueue(upstream.rawStream(chunks, Duration.ZERO));
        HttpResponse<String> r = LimitTesting.send(gateway.baseUrl(), TIGHT_KEY, LimitTesting.chat("fake/cut-model", null, true));
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = SseEvents.data(r.body());
        assertThat(data.get(data.size() - 1)).contains("budget_exceeded").contains("stopped");
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(5)).get(0);
        assertThat(e.usageReported()).isFalse();
        // it wished for its input and 256 tokens of output ($0.00257), the budget had $0.002 left: that was held, and
        // (no room for a step) that is the charge
        assertThat(e.costUsd()).isEqualTo(0.002);
    }
}
