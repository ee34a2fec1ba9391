package dev.switchboard.e2e;

import static dev.switchboard.testing.LimitTesting.chat;
import static dev.switchboard.testing.LimitTesting.header;
import static dev.switchboard.testing.LimitTesting.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ErrorBodies;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.queue}: a request over a rate limit waits up to the queue time for room, which comes back when the
 * oldest 5 s buckets of the sliding minute drop out (here) or when a request in flight gives some back
 * ({@link LimitQueueWakeIT}); with no room by then it gets the 429 and its retry-after. Room from old buckets comes
 * back about a minute after they were filled, so the waiting case sleeps most of a minute: it runs only with
 * {@code -Dswitchboard.slowTests=true}.
 */
class LimitQueueIT {
    static final String REFUSED_KEY = "sk-queue-refused-0001";
    static final String WAITING_KEY = "sk-queue-waiting-0002";
    static final Duration QUEUE = Duration.ofSeconds(3);
    static final long BUCKET_MILLIS = 5_000;
    static final String BODY = chat("fake/gpt-4o", null, false);

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-up-queue, models: [gpt-4o] }
                limits:
                  queue: 3s
                keys:
                  - { name: refused, key: %s, limits: { requests_per_minute: 1 } }
                  - { name: waiting, key: %s, limits: { requests_per_minute: 1 } }
                """.formatted(upstream.baseUrl(), REFUSED_KEY, WAITING_KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aRequestWithNoRoomWithinTheQueueTimeWaitsItThenGets429WithRetryAfter() {
        assertThat(send(gateway.baseUrl(), REFUSED_KEY, BODY).statusCode()).isEqualTo(200);

        long started = System.nanoTime();
        HttpResponse<String> refused = send(gateway.baseUrl(), REFUSED_KEY, BODY);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        ErrorBodies.assertError(refused, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(header(refused, "retry-after")).as("the first request's bucket drops about a minute after it")
                .isGreaterThan(QUEUE.toSeconds());
        assertThat(tookMillis).as("held for the queue time, in case a request in flight gave room back")
                .isBetween(QUEUE.toMillis() - 100, QUEUE.toMillis() + 2_000);
    }

    @Test
    void aRequestWhoseOldestBucketDropsWithinTheQueueTimeWaitsAndIsServed() throws InterruptedException {
        Assumptions.assumeTrue(Boolean.getBoolean("switchboard.slowTests"),
                "room comes back about a minute after it was used; run with -Dswitchboard.slowTests=true to wait for it");
        long sentAt = System.currentTimeMillis();
        assertThat(send(gateway.baseUrl(), WAITING_KEY, BODY).statusCode()).isEqualTo(200);
        // its 5 s bucket leaves the window 13 buckets after it began
        long dropsAt = (Math.floorDiv(sentAt, BUCKET_MILLIS) + 13) * BUCKET_MILLIS;
        Thread.sleep(Math.max(0, dropsAt - 2_000 - System.currentTimeMillis())); // ~2 s before it drops

        long started = System.nanoTime();
        HttpResponse<String> queued = send(gateway.baseUrl(), WAITING_KEY, BODY);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(200);
        assertThat(tookMillis).as("waited for the old bucket to drop").isGreaterThanOrEqualTo(500);
        assertThat(header(queued, "x-ratelimit-remaining-requests")).as("the first one no longer counts").isZero();
        assertThat(upstream.requests().stream().filter(r -> r.body().contains("hello there"))).hasSizeGreaterThanOrEqualTo(2);
    }
}
