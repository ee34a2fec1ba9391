package dev.switchboard.e2e;

import static dev.switchboard.testing.LimitTesting.chat;
import static dev.switchboard.testing.LimitTesting.header;
import static dev.switchboard.testing.LimitTesting.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ErrorBodies;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LimitTesting;
import dev.switchboard.testing.RedisProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three gateways on one real Redis, fail_open: they see each other through their heartbeats, and while Redis is
 * down a burst over the three admits about the limit between them, not three times it.
 */
class FleetShareIT {
    static final String KEY = "sk-fleet-share-0001";
    static final String BODY = chat("fake/gpt-4o", null, false);

    private FakeUpstream upstream;
    private RedisProcess redis;
    private List<GatewayFixture> three;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        redis = new RedisProcess();
    }

    @AfterEach
    void stop() {
        if (three != null) {
            three.forEach(GatewayFixture::close);
        }
        redis.close();
        upstream.close();
    }

    private GatewayFixture gateway(int requestsPerMinute) {
        return GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                redis: { url: "%s", prefix: "fleet:", on_failure: fail_open, timeout: 3s }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-up-fleet, models: [gpt-4o] }
                keys:
                  - { name: shared, key: %s, limits: { requests_per_minute: %d } }
                """.formatted(redis.url(), upstream.baseUrl(), KEY, requestsPerMinute));
    }

    private static String scrape(GatewayFixture g) {
        return g.get("/metrics").body();
    }

    private static void eventually(String what, Predicate<GatewayFixture> each, List<GatewayFixture> gateways) {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!gateways.stream().allMatch(each)) {
            assertThat(System.nanoTime()).as(what).isLessThan(end);
            sleep(100);
        }
    }

    @Test
    void whileRedisIsDownThreeGatewaysAdmitAboutTheLimitBetweenThemNotThreeTimesIt() {
        int limit = 30;
        three = Stream.of(1, 2, 3).map(i -> gateway(limit)).toList();
        eventually("each gateway counts three instances", g -> scrape(g).contains("switchboard_limiter_instances 3.0"), three);

        for (int i = 0; i < 9; i++) { // the window has 9 before the outage, each gateway saw its last value
            assertThat(send(three.get(i % 3).baseUrl(), KEY, BODY).statusCode()).isEqualTo(200);
        }
        redis.stop();
        List<HttpResponse<String>> burst = LimitTesting.burst(300, i -> LimitTesting.chatRequest(three.get(i % 3).baseUrl(), KEY, BODY));
        long admitted = burst.stream().filter(r -> r.statusCode() == 200).count();
        burst.stream().filter(r -> r.statusCode() != 200).forEach(r -> {
            ErrorBodies.assertError(r, 429, "rate_limit_error", "rate_limit_exceeded");
            assertThat(r.headers().firstValue("retry-after")).isPresent();
        });
        // each gateway: its share of 30 (10) less its part of the 9 it saw (3): 7, so 9 + 21 = 30 (each gateway
        // counting against the whole limit admitted 9 + 3 x 27 = 90)
        assertThat(9 + admitted).isLessThanOrEqualTo(limit + 3).isGreaterThanOrEqualTo(limit - 6);
        assertThat(scrape(three.get(0))).contains("switchboard_limiter_degraded 1.0");

        redis.start(); // empty: the 9 counted before are gone with it; what was counted locally is handed back
        eventually("all count in Redis again", g -> scrape(g).contains("switchboard_limiter_degraded 0.0"), three);
        sleep(500);
        HttpResponse<String> next = send(three.get(1).baseUrl(), KEY, BODY);
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(header(next, "x-ratelimit-remaining-requests")).as("the outage's admissions are in the shared count")
                .isEqualTo(limit - admitted - 1);
    }

    @Test
    void aGatewayThatShutsDownLeavesTheCountAtOnce() {
        three = new java.util.ArrayList<>(Stream.of(1, 2, 3).map(i -> gateway(100)).toList());
        eventually("each gateway counts three instances", g -> scrape(g).contains("switchboard_limiter_instances 3.0"), three);
        three.remove(2).close();
        long closed = System.nanoTime();
        eventually("the others count two", g -> scrape(g).contains("switchboard_limiter_instances 2.0"), three);
        // well before its entry would have expired (5 s after its last heartbeat)
        assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(Duration.ofMillis(3_500));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
