package dev.switchboard.e2e;

import static dev.switchboard.testing.LimitTesting.chat;
import static dev.switchboard.testing.LimitTesting.header;
import static dev.switchboard.testing.LimitTesting.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ErrorBodies;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LimitTesting;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.queue}: a request over a rate limit waits for its window to open when that happens within the
 * queue time, and is refused at once otherwise. Windows are whole UTC minutes, so the waiting case needs the
 * clock near a minute's end: it runs when the test starts within {@link #MAX_EDGE_WAIT} of one, or always with
 * {@code -Dswitchboard.slowTests=true} (then it may sleep up to a minute).
 */
class LimitQueueIT {
    static final String REFUSED_KEY = "sk-queue-refused-0001";
    static final String WAITING_KEY = "sk-queue-waiting-0002";
    static final Duration QUEUE = Duration.ofSeconds(3);
    static final Duration MAX_EDGE_WAIT = Duration.ofSeconds(15);
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
    void aRequestWhoseWindowOpensAfterTheQueueTimeIsRefusedAtOnce() throws InterruptedException {
        LimitTesting.awayFromMinuteEdge(QUEUE.plusSeconds(7));
        assertThat(send(gateway.baseUrl(), REFUSED_KEY, BODY).statusCode()).isEqualTo(200);

        long started = System.nanoTime();
        HttpResponse<String> refused = send(gateway.baseUrl(), REFUSED_KEY, BODY);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        ErrorBodies.assertError(refused, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(header(refused, "retry-after")).isGreaterThan(QUEUE.toSeconds());
        assertThat(tookMillis).as("not held for the queue time").isLessThan(QUEUE.toMillis());
    }

    @Test
    void aRequestWhoseWindowOpensWithinTheQueueTimeWaitsAndIsServed() throws InterruptedException {
        long toEdge = 60_000 - System.currentTimeMillis() % 60_000;
        Assumptions.assumeTrue(Boolean.getBoolean("switchboard.slowTests") || toEdge <= MAX_EDGE_WAIT.toMillis(),
                "the minute window ends in " + toEdge + " ms; run with -Dswitchboard.slowTests=true to wait for it");
        if (toEdge < 2_500) {
            Thread.sleep(toEdge + 50); // too close to the edge to fill the window first: use the next one
            toEdge = 60_000 - System.currentTimeMillis() % 60_000;
        }
        Thread.sleep(Math.max(0, toEdge - 2_000)); // ~2 s before the window rolls

        assertThat(send(gateway.baseUrl(), WAITING_KEY, BODY).statusCode()).isEqualTo(200);
        long started = System.nanoTime();
        HttpResponse<String> queued = send(gateway.baseUrl(), WAITING_KEY, BODY);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(200);
        assertThat(tookMillis).as("waited for the next window").isGreaterThanOrEqualTo(500);
        assertThat(header(queued, "x-ratelimit-remaining-requests")).as("counted in the new window").isZero();
        assertThat(upstream.requests().stream().filter(r -> r.body().contains("hello there"))).hasSizeGreaterThanOrEqualTo(2);
    }
}
