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
import dev.switchboard.testing.GatedAnswers;
import dev.switchboard.tokens.TokenEstimator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several gateways counting in one real Redis: no over-admission across instances under concurrency, and the
 * configured behaviour (fail_open: count locally; fail_closed: 503) while Redis is down, back to shared counts
 * once it is up again. Each test uses its own key prefix so their counters never meet.
 */
class SharedRedisLimitsIT {
    static final String KEY = "sk-shared-redis-0001";
    static final String BODY = chat("fake/gpt-4o", null, false);

    static FakeUpstream upstream;
    static RedisProcess redis;
    private final List<GatewayFixture> gateways = new java.util.ArrayList<>();

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        redis = new RedisProcess();
    }

    @AfterAll
    static void stop() {
        redis.close();
        upstream.close();
    }

    @AfterEach
    void closeGateways() {
        gateways.forEach(GatewayFixture::close);
        gateways.clear();
        redis.start(); // harmless when it is running; a failed test may have left it stopped
    }

    /** A gateway with the default Redis call timeout (75 ms). */
    private GatewayFixture gateway(String prefix, String onFailure, int requestsPerMinute) {
        GatewayFixture g = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                redis: { url: "%s", prefix: "%s", on_failure: %s }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-up-redis, models: [gpt-4o] }
                keys:
                  - { name: shared, key: %s, limits: { requests_per_minute: %d } }
                """.formatted(redis.url(), prefix, onFailure, upstream.baseUrl(), KEY, requestsPerMinute));
        gateways.add(g);
        return g;
    }

    @Test
    void threeGatewaysAdmitExactlyTheLimitBetweenThem() throws InterruptedException {
        int limit = 10;
        // the default 75 ms timeout: a burst is coalesced and timed on Redis's answer, so it never falls back
        List<GatewayFixture> three = Stream.of("a", "b", "c").map(n -> gateway("burst:", "fail_open", limit)).toList();
        LimitTesting.awayFromMinuteEdge(Duration.ofSeconds(15));

        List<HttpResponse<String>> answers = LimitTesting.burst(3 * limit * 2,
                i -> LimitTesting.chatRequest(three.get(i % 3).baseUrl(), KEY, BODY));

        assertThat(answers.stream().filter(r -> r.statusCode() == 200)).hasSize(limit);
        answers.stream().filter(r -> r.statusCode() != 200)
                .forEach(r -> ErrorBodies.assertError(r, 429, "rate_limit_error", "rate_limit_exceeded"));
        assertThat(answers.stream().filter(r -> r.statusCode() == 200).map(r -> header(r, "x-ratelimit-remaining-requests")))
                .as("each admitted request saw its own place in the shared count")
                .containsExactlyInAnyOrder(9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L, 0L);
    }

    @Test
    void aBurstOfSeveralHundredOverThreeGatewaysNeverAnswers503WhileRedisIsHealthy() throws InterruptedException {
        int limit = 100;
        List<GatewayFixture> three = Stream.of("a", "b", "c").map(n -> gateway("closed-burst:", "fail_closed", limit)).toList();

        List<HttpResponse<String>> answers = LimitTesting.burst(300,
                i -> LimitTesting.chatRequest(three.get(i % 3).baseUrl(), KEY, BODY));

        answers.stream().filter(r -> r.statusCode() != 200)
                .forEach(r -> ErrorBodies.assertError(r, 429, "rate_limit_error", "rate_limit_exceeded"));
        assertThat(answers.stream().filter(r -> r.statusCode() == 200)).as("exactly the limit, across the three").hasSize(limit);
    }

    @Test
    void failOpenCountsLocallyWhileRedisIsDownAndSharesCountsAgainAfter() {
        GatewayFixture one = gateway("open:", "fail_open", 1000);
        GatewayFixture two = gateway("open:", "fail_open", 1000);
        awaitShared(one, two);

        redis.stop();
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> res = send(one.baseUrl(), KEY, BODY);
            assertThat(res.statusCode()).as("fail_open keeps serving: %s", res.body()).isEqualTo(200);
            long remaining = header(res, "x-ratelimit-remaining-requests");
            if (i > 0 && previous > 0) {
                assertThat(remaining).as("counted locally").isIn(previous - 1, 999L); // 999: a new minute began
            }
            previous = remaining;
        }
        assertThat(send(two.baseUrl(), KEY, BODY).statusCode()).isEqualTo(200);

        redis.start();
        awaitShared(one, two);
    }

    @Test
    void failClosedRefusesWhileRedisIsDownAndRecoversAfter() {
        GatewayFixture closed = gateway("closed:", "fail_closed", 1000);
        assertThat(send(closed.baseUrl(), KEY, BODY).statusCode()).isEqualTo(200);

        redis.stop();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> res = send(closed.baseUrl(), KEY, BODY);
            ErrorBodies.assertError(res, 503, "api_error", "limits_unavailable");
            assertThat(res.headers().firstValue("retry-after")).isPresent();
        }
        int reachedUpstream = upstream.requests().size();

        redis.start();
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        HttpResponse<String> res;
        while ((res = send(closed.baseUrl(), KEY, BODY)).statusCode() != 200) {
            ErrorBodies.assertError(res, 503, "api_error", "limits_unavailable");
            assertThat(System.nanoTime()).as("served again after Redis came back").isLessThan(end);
            sleep(100);
        }
        assertThat(header(res, "x-ratelimit-remaining-requests")).as("counted in the restarted (empty) Redis").isGreaterThan(990);
        assertThat(upstream.requests()).as("refused requests never reached the upstream").hasSize(reachedUpstream + 1);
    }

    @Test
    void aBudgetSharedThroughRedisIsNeverOvershotByABurstOverThreeGateways() {
        List<GatewayFixture> three = Stream.of("a", "b", "c").map(n -> {
            GatewayFixture g = GatewayFixture.withYaml("""
                    version: 1
                    server: { listen: 127.0.0.1:0, event_loops: 1 }
                    redis: { url: "%s", prefix: "budget:" }
                    providers:
                      - { name: fake, type: openai, base_url: %s, api_key: sk-up-redis, models: [gpt-4o] }
                    prices:
                      "gpt-4o": { input: 1000, output: 2000 }
                    keys:
                      - { name: shared, key: %s, budget: { usd: 1.0, period: day } }
                    """.formatted(redis.url(), upstream.baseUrl(), KEY));
            gateways.add(g);
            return g;
        }).toList();
        String body = chat("fake/gpt-4o", 100, false);
        long input = new TokenEstimator().estimate("gpt-4o", body.getBytes(StandardCharsets.UTF_8)).inputTokens();
        // fresh gateways: no output estimate learned yet, so each reserves input + max_tokens (100 < 256 expected);
        // admitted while what is left holds the input, the last one getting what is left
        long reserved = input * 1000 + 100 * 2000;
        long affordable = (1_000_000 - input * 1000) / reserved + 1;

        GatedAnswers gate = new GatedAnswers();
        for (int i = 0; i < 200; i++) {
            upstream.enqueue(gate.behavior());
        }
        List<CompletableFuture<HttpResponse<String>>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(LimitTesting.http().sendAsync(LimitTesting.chatRequest(three.get(i % 3).baseUrl(), KEY, body),
                    HttpResponse.BodyHandlers.ofString()));
        }
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (all.stream().filter(CompletableFuture::isDone).count() + gate.held() < 200) {
            assertThat(System.nanoTime()).as("every request answered or held").isLessThan(end);
            sleep(20);
        }
        sleep(200);
        assertThat(gate.held()).as("admitted across the three gateways").isEqualTo((int) affordable);
        all.stream().filter(CompletableFuture::isDone)
                .forEach(f -> ErrorBodies.assertError(f.join(), 429, "insufficient_quota", "budget_exceeded"));
        gate.release();
        assertThat(all.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 200)).hasSize((int) affordable);
        upstream.reset();
    }

    /** Waits until a request on {@code two} sees the one just made on {@code one} in the same count. */
    private static void awaitShared(GatewayFixture one, GatewayFixture two) {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            HttpResponse<String> a = send(one.baseUrl(), KEY, BODY);
            HttpResponse<String> b = send(two.baseUrl(), KEY, BODY);
            assertThat(a.statusCode()).isEqualTo(200);
            assertThat(b.statusCode()).isEqualTo(200);
            if (header(b, "x-ratelimit-remaining-requests") == header(a, "x-ratelimit-remaining-requests") - 1) {
                return;
            }
            assertThat(System.nanoTime()).as("both gateways count in Redis again").isLessThan(end);
            sleep(200);
        }
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
