package dev.switchboard.e2e;

import static dev.switchboard.testing.FleetTraffic.assertAnsweredWithin;
import static dev.switchboard.testing.FleetTraffic.count;
import static dev.switchboard.testing.FleetTraffic.tally;
import static dev.switchboard.testing.LimitTesting.chat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.Fleet;
import dev.switchboard.testing.FleetTraffic;
import dev.switchboard.testing.KnownUsage;
import dev.switchboard.testing.RedisProcess;
import dev.switchboard.testing.Shot;
import dev.switchboard.tokens.TokenEstimator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three gateways sharing one healthy Redis (default 75 ms timeout), hit by bursts of 600 concurrent requests
 * spread over the three, in both failure modes: a healthy Redis never yields a 503, a request limit admits exactly
 * its limit, and a token limit or a budget is never overshot beyond what the requests in flight can add.
 * Each test starts its own fleet with its own Redis key prefix, so no counts are shared between tests.
 */
class FleetBurstIT {
    static final String KEY = "sk-fleet-burst-0001";
    static final int BURST = 600;
    /** Answers come well within this on a healthy fleet, even on a loaded 2-core machine. */
    static final Duration ANSWERED_WITHIN = Duration.ofSeconds(10);
    /** The fake reports this many completion tokens, and requests ask for exactly as many. */
    static final long COMPLETION = 7;

    static FakeUpstream upstream;
    static RedisProcess redis;
    private Fleet fleet;

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

    @BeforeEach
    void clearUpstream() {
        upstream.reset();
    }

    @AfterEach
    void closeFleet() {
        if (fleet != null) {
            fleet.close();
        }
        upstream.reset();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fail_open", "fail_closed"})
    void aRequestLimitAdmitsExactlyTheLimitAcrossTheFleet(String onFailure) {
        int limit = 50;
        fleet = Fleet.start(redis, upstream, "rpm-" + onFailure + ":", onFailure,
                Fleet.key("burst", KEY, "limits: { requests_per_minute: " + limit + " }"), "");

        List<Shot> shots = FleetTraffic.burst(fleet, BURST, KEY, chat("fake/gpt-4o", null, false));

        FleetTraffic.report("requests/min " + limit + ", " + onFailure, shots, "");
        Map<String, Long> tally = tally(shots);
        assertAnsweredWithin(shots, ANSWERED_WITHIN);
        assertThat(count(shots, s -> s.status() == 503)).as("503s with a healthy Redis: %s", tally).isZero();
        assertThat(count(shots, Shot::ok)).as("admitted across the fleet: %s", tally).isEqualTo(limit);
        shots.stream().filter(s -> !s.ok()).forEach(FleetTraffic::assertRateLimited);
        assertThat(shots.stream().filter(Shot::ok).map(s -> s.header("x-ratelimit-remaining-requests")))
                .as("each admitted request saw its own place in the one shared count")
                .containsExactlyInAnyOrderElementsOf(LongStream.range(0, limit).boxed().toList());
    }

    /**
     * The fake reports the exact input estimate as prompt tokens plus {@value #COMPLETION} completion tokens, and the
     * requests ask for {@code max_tokens} {@value #COMPLETION}: an admission reserves what the request really uses,
     * so only the last admission (granted what was left, at least its input) can settle above the limit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"fail_open", "fail_closed"})
    void aTokenLimitIsNotOvershotBeyondOneRequestInFlight(String onFailure) {
        long limit = 1000;
        String body = chat("fake/gpt-4o", (int) COMPLETION, false);
        long input = inputTokens(body);
        long perRequest = input + COMPLETION;
        KnownUsage answers = new KnownUsage(upstream.vertx(), input, COMPLETION, Duration.ofMillis(20));
        answers.enqueue(upstream, BURST + Fleet.SIZE);
        fleet = Fleet.start(redis, upstream, "tpm-" + onFailure + ":", onFailure,
                Fleet.key("burst", KEY, "limits: { tokens_per_minute: " + limit + " }"), "");
        // one request per gateway first: a gateway that estimates output from what it has seen has seen some
        List<Shot> warmUp = java.util.stream.IntStream.range(0, Fleet.SIZE).mapToObj(i -> FleetTraffic.one(fleet, i, KEY, body)).toList();
        assertThat(warmUp).as("warm-up: %s", tally(warmUp)).allSatisfy(s -> assertThat(s.ok()).isTrue());

        List<Shot> shots = FleetTraffic.burst(fleet, BURST, KEY, body);

        long used = LongStream.concat(warmUp.stream().mapToLong(Shot::totalTokens),
                shots.stream().filter(Shot::ok).mapToLong(Shot::totalTokens)).sum();
        FleetTraffic.report("tokens/min " + limit + ", " + onFailure, shots,
                "used %d tokens (%d per request), upstream held %d at once".formatted(used, perRequest, answers.maxInFlight()));
        Map<String, Long> tally = tally(shots);
        assertAnsweredWithin(shots, ANSWERED_WITHIN);
        assertThat(count(shots, s -> s.status() == 503)).as("503s with a healthy Redis: %s", tally).isZero();
        shots.stream().filter(s -> !s.ok()).forEach(FleetTraffic::assertRateLimited);
        assertThat(used)
                .as("tokens used by admitted requests (%d tokens each, %d of input; %s; at most %d at the upstream at once)",
                        perRequest, input, tally, answers.maxInFlight())
                .isLessThanOrEqualTo(limit + COMPLETION)
                .as("refused only once less than one request's worth was left")
                .isGreaterThan(limit - perRequest);
    }

    /** As for tokens: the fake's usage at the configured prices is exactly what admission reserves. */
    @ParameterizedTest
    @ValueSource(strings = {"fail_open", "fail_closed"})
    void aBudgetIsNotOvershotBeyondOneRequestInFlight(String onFailure) {
        long budget = 1_000_000; // micro-USD
        long inputPrice = 1000;
        long outputPrice = 2000; // USD per million tokens = micro-USD per token
        String body = chat("fake/gpt-4o", (int) COMPLETION, false);
        long input = inputTokens(body);
        long perRequest = input * inputPrice + COMPLETION * outputPrice;
        KnownUsage answers = new KnownUsage(upstream.vertx(), input, COMPLETION, Duration.ofMillis(20));
        answers.enqueue(upstream, BURST + Fleet.SIZE);
        fleet = Fleet.start(redis, upstream, "budget-" + onFailure + ":", onFailure,
                Fleet.key("burst", KEY, "budget: { usd: 1.0, period: day }"),
                "prices:\n  \"gpt-4o\": { input: %d, output: %d }".formatted(inputPrice, outputPrice));
        List<Shot> warmUp = java.util.stream.IntStream.range(0, Fleet.SIZE).mapToObj(i -> FleetTraffic.one(fleet, i, KEY, body)).toList();
        assertThat(warmUp).as("warm-up: %s", tally(warmUp)).allSatisfy(s -> assertThat(s.ok()).isTrue());

        List<Shot> shots = FleetTraffic.burst(fleet, BURST, KEY, body);

        long spent = LongStream.concat(warmUp.stream().mapToLong(Shot::costMicroUsd),
                shots.stream().filter(Shot::ok).mapToLong(Shot::costMicroUsd)).sum();
        FleetTraffic.report("budget $1, " + onFailure, shots,
                "spent %d micro-USD (%d per request), upstream held %d at once".formatted(spent, perRequest, answers.maxInFlight()));
        Map<String, Long> tally = tally(shots);
        assertAnsweredWithin(shots, ANSWERED_WITHIN);
        assertThat(count(shots, s -> s.status() == 503)).as("503s with a healthy Redis: %s", tally).isZero();
        shots.stream().filter(s -> !s.ok()).forEach(FleetTraffic::assertOverBudget);
        assertThat(shots.stream().filter(Shot::ok)).as("the cost of each answer")
                .allSatisfy(s -> assertThat(s.costMicroUsd()).isEqualTo(perRequest));
        assertThat(spent)
                .as("micro-USD spent by admitted requests (%d each; %s; at most %d at the upstream at once)",
                        perRequest, tally, answers.maxInFlight())
                .isLessThanOrEqualTo(budget + COMPLETION * outputPrice)
                .as("refused only once less than one request's worth was left")
                .isGreaterThan(budget - perRequest);
    }

    static long inputTokens(String body) {
        return new TokenEstimator().estimate("gpt-4o", body.getBytes(StandardCharsets.UTF_8)).inputTokens();
    }
}
