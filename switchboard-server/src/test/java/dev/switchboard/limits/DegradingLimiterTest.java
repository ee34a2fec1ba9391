package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis stopped under load and started again on the same port. */
class DegradingLimiterTest {
    private EmbeddedRedis redis;
    private Vertx vertx;
    private RedisLimiter redisLimiter;
    private DegradingLimiter limiter;
    private final String prefix = "d" + UUID.randomUUID() + ":";

    @BeforeEach
    void start() {
        redis = new EmbeddedRedis();
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        if (limiter != null) {
            limiter.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
    }

    private DegradingLimiter degrading(boolean failOpen) throws Exception {
        Redis client = Redis.createClient(vertx, RedisLimiter.clientOptions(redis.uri()));
        redisLimiter = new RedisLimiter(vertx, client, new RedisLimiterSettings(prefix, null, 0), Clock.systemUTC());
        redisLimiter.warmUp().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // a generous call timeout: this test is about Redis going away, not about latency on a busy machine
        limiter = new DegradingLimiter(vertx, redisLimiter, new LocalLimiter(),
                new DegradingSettings(failOpen, Duration.ofMillis(500), Duration.ofMillis(200)));
        return limiter;
    }

    private static Admission await(Future<Admission> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Admissions fired every few milliseconds from the event loop until stopped. */
    private final class Load {
        final ConcurrentLinkedQueue<Admission> answers = new ConcurrentLinkedQueue<>();
        final AtomicInteger failures = new AtomicInteger();
        final long timer;

        Load(AdmissionRequest req) {
            timer = vertx.setPeriodic(5, id -> limiter.admit(req).onSuccess(answers::add).onFailure(e -> failures.incrementAndGet()));
        }

        void stop() {
            vertx.cancelTimer(timer);
        }
    }

    @Test
    void failOpenCountsLocallyWhileRedisIsAwayAndSwitchesBack() throws Exception {
        degrading(true);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:load", RateLimit.requestsPerMinute(1_000_000))), 1, 0);
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        assertThat(limiter.mode()).isEqualTo(LimiterMode.REDIS);
        Load load = new Load(req);

        redis.stop();
        eventually(() -> limiter.mode() == LimiterMode.LOCAL_FALLBACK);
        int before = load.answers.size();
        eventually(() -> load.answers.size() > before + 20);
        assertThat(await(limiter.admit(req)).admitted()).isTrue();

        redis.start();
        eventually(() -> limiter.mode() == LimiterMode.REDIS);
        load.stop();
        assertThat(load.failures.get()).isZero();
        assertThat(load.answers).allMatch(Admission::admitted);

        // counting happens in Redis again: a second limiter on the same Redis sees the first's admission
        Scope one = Scope.of("key:shared-after", RateLimit.requestsPerMinute(1));
        assertThat(await(limiter.admit(AdmissionRequest.of(List.of(one), 1, 0))).admitted()).isTrue();
        assertThat(await(redisLimiter.admit(AdmissionRequest.of(List.of(one), 1, 0))).admitted()).isFalse();
    }

    @Test
    void failClosedRefusesWhileRedisIsAwayAndSwitchesBack() throws Exception {
        degrading(false);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:closed", RateLimit.requestsPerMinute(1_000_000))), 1, 0);
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        Load load = new Load(req);

        redis.stop();
        eventually(() -> limiter.mode() == LimiterMode.CLOSED);
        Admission refused = await(limiter.admit(req));
        assertThat(refused.refusal().orElseThrow().kind()).isEqualTo(LimitKind.UNAVAILABLE);
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);

        redis.start();
        eventually(() -> limiter.mode() == LimiterMode.REDIS);
        load.stop();
        assertThat(load.failures.get()).isZero();
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
    }

    @Test
    void aHungRedisTimesOutToTheLocalLimiter() throws Exception {
        degrading(true);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:hung", RateLimit.requestsPerMinute(100))), 1, 0);
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        Redis other = Redis.createClient(vertx, redis.uri());
        // the server stops answering for four seconds, much longer than the 500 ms call timeout
        io.vertx.redis.client.RedisAPI.api(other).debug(List.of("SLEEP", "4"));
        Thread.sleep(100);
        long start = System.nanoTime();
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        // it waited for Redis's late answer (the 500 ms timeout and up to a second more), then was served locally
        assertThat(System.nanoTime() - start).isBetween(TimeUnit.MILLISECONDS.toNanos(1400), TimeUnit.MILLISECONDS.toNanos(2500));
        // one slow answer is not yet an outage; three in a row over a second are
        assertThat(limiter.mode()).isEqualTo(LimiterMode.REDIS);
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        assertThat(limiter.mode()).isEqualTo(LimiterMode.LOCAL_FALLBACK);
        eventually(() -> limiter.mode() == LimiterMode.REDIS);
        other.close();
    }

    private io.vertx.redis.client.RedisAPI direct() {
        return io.vertx.redis.client.RedisAPI.api(Redis.createClient(vertx, redis.uri()));
    }

    private static <T> T await2(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Stops Redis and waits until the limiter noticed (a broken connection degrades at once). */
    private void redisGoesAway() throws Exception {
        redis.stop();
        AdmissionRequest probe = AdmissionRequest.of(List.of(Scope.of("key:probe", RateLimit.requestsPerMinute(1_000_000))), 1, 0);
        eventually(() -> {
            limiter.admit(probe);
            return limiter.mode() != LimiterMode.REDIS;
        });
    }

    @Test
    void aSpentBudgetStaysSpentWhileFailingOpen() throws Exception {
        degrading(true);
        AdmissionRequest spent = AdmissionRequest.of(List.of(Scope.of("key:spent", new Budget(1_000, Budget.Period.MONTH))), 1, 1_000);
        AdmissionRequest half = AdmissionRequest.of(List.of(Scope.of("key:half", new Budget(1_000, Budget.Period.TOTAL))), 1, 400);
        AdmissionRequest unseen = AdmissionRequest.of(List.of(Scope.of("key:unseen", new Budget(1_000, Budget.Period.DAY))), 1, 1);
        AdmissionRequest rate = AdmissionRequest.of(List.of(Scope.of("key:rate", RateLimit.requestsPerMinute(1_000))), 1, 0);
        assertThat(await(limiter.admit(spent)).admitted()).isTrue();
        assertThat(await(limiter.admit(spent)).refusal().orElseThrow().kind()).isEqualTo(LimitKind.BUDGET);
        assertThat(await(limiter.admit(half)).admitted()).isTrue();

        redisGoesAway();
        assertThat(limiter.mode()).isEqualTo(LimiterMode.LOCAL_FALLBACK);
        // the budget Redis reported as spent is still spent; the half-spent one has only its other half
        assertThat(await(limiter.admit(spent)).refusal().orElseThrow().kind()).isEqualTo(LimitKind.BUDGET);
        assertThat(await(limiter.admit(half)).admitted()).isTrue();
        assertThat(await(limiter.admit(half)).refusal().orElseThrow().kind()).isEqualTo(LimitKind.BUDGET);
        // a budget this instance never saw in Redis is not started from zero: refused until Redis is back
        assertThat(await(limiter.admit(unseen)).refusal().orElseThrow().kind()).isEqualTo(LimitKind.UNAVAILABLE);
        // rate limits fail open, counted on this instance
        assertThat(await(limiter.admit(rate)).admitted()).isTrue();
    }

    @Test
    void streamExtensionsObeyTheFailureMode() throws Exception {
        for (boolean failOpen : new boolean[] {false, true}) {
            if (limiter != null) {
                limiter.close();
                redis.close();
                redis = new EmbeddedRedis();
            }
            degrading(failOpen);
            Scope scope = Scope.of("key:stream-" + failOpen, new RateLimit(null, 1_000_000L, null));
            Admission a = await(limiter.admit(AdmissionRequest.of(List.of(scope), 100, 0)));
            assertThat(a.admitted()).isTrue();
            assertThat(await2(a.reservation().extend(1024, 0))).isTrue();
            redisGoesAway();
            assertThat(await2(a.reservation().extend(1024, 0))).as("fail_open=" + failOpen).isEqualTo(failOpen);
        }
    }

    @Test
    void anAdmissionThatTimedOutIsReconciledWhenItsLateAnswerArrives() throws Exception {
        degrading(true);
        Scope total = Scope.of("key:late", new Budget(1_000_000, Budget.Period.TOTAL));
        assertThat(await(limiter.admit(AdmissionRequest.of(List.of(total), 1, 10))).admitted()).isTrue();
        var other = direct();
        other.debug(List.of("SLEEP", "2")); // Redis answers nothing for two seconds, past the 500 ms call timeout
        Thread.sleep(100);
        Admission served = await(limiter.admit(AdmissionRequest.of(List.of(total), 1, 5_000)));
        assertThat(served.admitted()).as("served by the local fallback").isTrue();
        served.reservation().reconcile(1, 300); // the call cost 300, settled before Redis woke up
        // the script ran once Redis woke up and reserved 5,000; it is reconciled to the real 300, not left at 5,000
        eventually(() -> {
            try {
                redisLimiter.flushReconciles().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                var v = await2(other.get(prefix + "key:late:usd:total"));
                return v != null && v.toLong() == 310;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void oneSlowAnswerOnAHealthyRedisIsWaitedForNotDecidedByTheFailureMode() throws Exception {
        degrading(false); // fail_closed: deciding by the mode would be a 503
        Scope s = Scope.of("key:slow", RateLimit.requestsPerMinute(1));
        var other = direct();
        other.debug(List.of("SLEEP", "1")); // one second of silence: past the 500 ms timeout, not an outage
        Thread.sleep(100);
        Admission a = await(limiter.admit(AdmissionRequest.of(List.of(s), 1, 0)));
        assertThat(a.admitted()).as("Redis's own late answer, not a 503").isTrue();
        assertThat(limiter.mode()).isEqualTo(LimiterMode.REDIS);
        Admission b = await(limiter.admit(AdmissionRequest.of(List.of(s), 1, 0)));
        assertThat(b.refusal().orElseThrow().kind()).as("Redis counted the first").isEqualTo(LimitKind.REQUESTS_PER_MINUTE);
    }

    @Test
    void whatWasCountedLocallyIsHandedToRedisWhenItReturns() throws Exception {
        degrading(true);
        Scope total = Scope.of("key:back", new Budget(1_000_000, Budget.Period.TOTAL));
        assertThat(await(limiter.admit(AdmissionRequest.of(List.of(total), 1, 100))).admitted()).isTrue();
        var other = direct();
        other.debug(List.of("SLEEP", "5")); // slow for long enough to degrade, then back with its data
        Thread.sleep(100);
        List<Admission> timedOut = new java.util.ArrayList<>();
        while (limiter.mode() == LimiterMode.REDIS) {
            Admission a = await(limiter.admit(AdmissionRequest.of(List.of(total), 1, 1_000)));
            assertThat(a.admitted()).isTrue();
            timedOut.add(a);
        }
        assertThat(timedOut.size()).as("one slow answer is not an outage").isGreaterThanOrEqualTo(2);
        for (int i = 0; i < 2; i++) { // counted locally only
            Admission a = await(limiter.admit(AdmissionRequest.of(List.of(total), 1, 1_000)));
            assertThat(a.admitted()).isTrue();
            a.reservation().reconcile(1, 400);
        }
        eventually(() -> limiter.mode() == LimiterMode.REDIS);
        timedOut.forEach(a -> a.reservation().reconcile(1, 200)); // Redis took these over when it answered late
        long expected = 100 + timedOut.size() * 200L + 2 * 400;
        eventually(() -> {
            try {
                redisLimiter.flushReconciles().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                var v = await2(other.get(prefix + "key:back:usd:total"));
                return v != null && v.toLong() == expected;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void aFailedReconcileIsRetriedAndItsExtraChargeKept() throws Exception {
        degrading(true);
        Scope total = Scope.of("key:extra", new Budget(1_000_000, Budget.Period.TOTAL));
        Admission a = await(redisLimiter.admit(AdmissionRequest.of(List.of(total), 1, 100)));
        assertThat(a.admitted()).isTrue();
        var other = direct();
        await2(other.config(List.of("SET", "maxmemory", "1"))); // every write now fails with OOM
        a.reservation().reconcile(0, 700); // the call cost more than reserved: +600
        try {
            redisLimiter.flushReconciles().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception expected) {
            // the batch failed; it must be kept, not dropped
        }
        await2(other.config(List.of("SET", "maxmemory", "0")));
        eventually(() -> {
            try {
                var v = await2(other.get(prefix + "key:extra:usd:total"));
                return v != null && v.toLong() == 700;
            } catch (Exception e) {
                return false;
            }
        });
    }
}
