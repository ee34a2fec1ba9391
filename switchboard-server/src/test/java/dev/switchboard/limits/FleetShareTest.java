package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three gateway instances (each its own Vert.x, Redis client, heartbeat and degrading limiter) share one real Redis;
 * a network cut takes Redis away from all of them mid-burst, fail_open, and gives it back.
 */
class FleetShareTest {
    private static final int N = 3;

    private EmbeddedRedis redis;
    private TcpCut cut;
    private final String prefix = "f" + UUID.randomUUID() + ":";
    private final List<Instance> fleet = new ArrayList<>();
    private Vertx testVertx;
    private RedisAPI direct;

    private final class Instance {
        final Vertx vertx = Vertx.vertx();
        final RedisLimiter redisLimiter;
        final InstanceRegistry registry;
        final DegradingLimiter limiter;

        Instance() throws Exception {
            Redis client = Redis.createClient(vertx, RedisLimiter.clientOptions(cut.uri()));
            redisLimiter = new RedisLimiter(vertx, client, new RedisLimiterSettings(prefix, null, 0), Clock.systemUTC());
            await(redisLimiter.warmUp());
            registry = InstanceRegistry.create(vertx, cut.uri(), prefix);
            await(registry.start());
            limiter = new DegradingLimiter(vertx, redisLimiter, new LocalLimiter(),
                    new DegradingSettings(true, Duration.ofMillis(500), Duration.ofMillis(200)), registry::live);
        }

        /** Many admissions at once from this instance's event loop. */
        Future<List<Admission>> burst(AdmissionRequest req, int n) {
            Promise<List<Admission>> done = Promise.promise();
            vertx.runOnContext(v -> {
                List<Future<Admission>> all = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    all.add(limiter.admit(req));
                }
                Future.all(all).map(cf -> cf.<Admission>list()).onComplete(done);
            });
            return done.future();
        }

        void close() throws Exception {
            limiter.close();
            registry.stop();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @BeforeEach
    void start() throws Exception {
        redis = new EmbeddedRedis();
        cut = new TcpCut(redis.port);
        testVertx = Vertx.vertx();
        direct = RedisAPI.api(Redis.createClient(testVertx, redis.uri()));
        for (int i = 0; i < N; i++) {
            fleet.add(new Instance());
        }
        eventually(() -> fleet.stream().allMatch(f -> f.registry.live() == N));
    }

    @AfterEach
    void stop() throws Exception {
        for (Instance f : fleet) {
            f.close();
        }
        testVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        cut.close();
        redis.close();
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Cuts Redis off and waits until every instance counts locally (a refused connection degrades at once). */
    private void redisGoesAway() throws Exception {
        cut.cut();
        AdmissionRequest probe = AdmissionRequest.of(List.of(Scope.of("key:probe", RateLimit.requestsPerMinute(1_000_000))), 1, 0);
        eventually(() -> fleet.stream().allMatch(f -> {
            f.limiter.admit(probe);
            return f.limiter.mode() == LimiterMode.LOCAL_FALLBACK;
        }));
    }

    private void redisComesBack() throws Exception {
        cut.restore();
        eventually(() -> fleet.stream().allMatch(f -> f.limiter.mode() == LimiterMode.REDIS));
    }

    /** The sliding window's sum in Redis now (the buckets of the last minute). */
    private long windowInRedis(String key) throws Exception {
        long b = SlidingWindow.bucketOf(System.currentTimeMillis());
        List<String> names = new ArrayList<>();
        names.add(prefix + key); // a hash: a field per bucket
        for (long i = b - SlidingWindow.BUCKETS + 1; i <= b; i++) {
            names.add(Long.toString(i));
        }
        long sum = 0;
        for (Response r : await(direct.hmget(names))) {
            sum += r == null ? 0 : r.toLong();
        }
        return sum;
    }

    private long valueInRedis(String key) throws Exception {
        Response r = await(direct.get(prefix + key));
        return r == null ? 0 : r.toLong();
    }

    private static long admitted(List<Admission> answers) {
        return answers.stream().filter(Admission::admitted).count();
    }

    /** Sliding windows are keyed by 5 s buckets: start a scenario early in one, so it does not straddle too many. */
    private static void earlyInABucket() throws InterruptedException {
        long into = System.currentTimeMillis() % SlidingWindow.BUCKET_MILLIS;
        if (into > 2_000) {
            Thread.sleep(SlidingWindow.BUCKET_MILLIS - into + 50);
        }
    }

    @Test
    void everyInstanceSeesTheFleet() {
        for (Instance f : fleet) {
            assertThat(f.registry.live()).isEqualTo(N);
        }
    }

    @Test
    void requestsPerMinuteStayWithinTheLimitAcrossTheFleetWhileRedisIsAwayAndAreExactAgainAfter() throws Exception {
        long limit = 100;
        Scope scope = Scope.of("key:burst", RateLimit.requestsPerMinute(limit));
        AdmissionRequest req = AdmissionRequest.of(List.of(scope), 1, 0);
        earlyInABucket();
        // the burst begins with Redis up: 45 admissions spread over the fleet, counted exactly
        long before = 0;
        for (int i = 0; i < 45; i++) {
            before += await(fleet.get(i % N).limiter.admit(req)).admitted() ? 1 : 0;
        }
        assertThat(before).isEqualTo(45);

        redisGoesAway();
        // in the next bucket, which Redis never had: handing it back must create it
        long bucket = SlidingWindow.bucketOf(System.currentTimeMillis());
        while (SlidingWindow.bucketOf(System.currentTimeMillis()) == bucket) {
            Thread.sleep(20);
        }
        // and goes on with Redis away: 600 more at once, 200 per instance
        List<Future<List<Admission>>> bursts = new ArrayList<>();
        for (Instance f : fleet) {
            bursts.add(f.burst(req, 200));
        }
        long during = 0;
        for (Future<List<Admission>> b : bursts) {
            long mine = admitted(await(b));
            // each instance: its share of 100 (33) less its part of the 45 it saw in the window (15)
            assertThat(mine).as("one instance's admissions while Redis is away").isEqualTo(33 - 15);
            during += mine;
        }
        // the whole fleet admitted no more than the limit in the window (not 3 x 100, as when each used the whole limit)
        assertThat(before + during).isLessThanOrEqualTo(limit + N).isGreaterThanOrEqualTo(limit - 2L * N);

        redisComesBack();
        // what was counted locally is handed back once: Redis's window holds exactly every admission
        long total = before + during;
        eventually(() -> {
            try {
                return windowInRedis("key:burst:rpm") == total;
            } catch (Exception e) {
                return false;
            }
        });
        // and counting is shared and exact again: the fleet admits what is left of the limit, not one more
        List<Admission> after = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            after.add(await(fleet.get(i % N).limiter.admit(req)));
        }
        assertThat(admitted(after)).isEqualTo(limit - total);
        assertThat(after.get(after.size() - 1).refusal().orElseThrow().kind()).isEqualTo(LimitKind.REQUESTS_PER_MINUTE);
        Thread.sleep(300); // no late second hand-back
        assertThat(windowInRedis("key:burst:rpm")).isEqualTo(limit);
    }

    @Test
    void anOutageStartsFromWhatRedisReportedLastNotFromAnEarlierSingleTimeout() throws Exception {
        Instance f = fleet.get(0);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:stale", RateLimit.requestsPerMinute(30))), 1, 0);
        earlyInABucket();
        for (int i = 0; i < 2; i++) {
            assertThat(await(f.limiter.admit(req)).admitted()).isTrue();
        }
        direct.debug(List.of("SLEEP", "1")); // one call times out (500 ms) and is served locally; not an outage
        Thread.sleep(100);
        assertThat(await(f.limiter.admit(req)).admitted()).isTrue();
        assertThat(f.limiter.mode()).isEqualTo(LimiterMode.REDIS);
        Thread.sleep(1_000);
        for (int i = 0; i < 21; i++) {
            assertThat(await(f.limiter.admit(req)).admitted()).isTrue();
        }
        assertThat(windowInRedis("key:stale:rpm")).isEqualTo(24);

        redisGoesAway();
        // its share is 10 and its part of the 24 it saw last is 8: two more, not the nine a seed from the timeout allows
        assertThat(admitted(await(f.burst(req, 20)))).isEqualTo(2);
    }

    @Test
    void aBudgetsSpendStaysWithinItsRemainingShareWhileRedisIsAway() throws Exception {
        long budget = 1_000_000;
        Scope scope = Scope.of("key:spend", new Budget(budget, Budget.Period.TOTAL));
        for (int i = 0; i < N; i++) {
            Admission a = await(fleet.get(i).limiter.admit(AdmissionRequest.of(List.of(scope), 1, 100_000)));
            assertThat(a.admitted()).isTrue();
            a.reservation().reconcile(1, 100_000);
        }
        // each instance's last view of the budget is current (300,001 .. 300,003)
        for (int i = 0; i < N; i++) {
            Admission a = await(fleet.get(i).limiter.admit(AdmissionRequest.of(List.of(scope), 1, 1)));
            assertThat(a.admitted()).isTrue();
            a.reservation().reconcile(1, 1);
        }
        long spentBefore = 300_003;
        eventually(() -> {
            try {
                fleet.forEach(f -> f.redisLimiter.flushReconciles());
                return valueInRedis("key:spend:usd:total") == spentBefore;
            } catch (Exception e) {
                return false;
            }
        });

        redisGoesAway();
        AdmissionRequest call = AdmissionRequest.of(List.of(scope), 1, 10_000);
        long spentDuring = 0;
        for (Instance f : fleet) {
            List<Admission> answers = await(f.burst(call, 100));
            long mine = 0;
            for (Admission a : answers) {
                if (a.admitted()) {
                    a.reservation().reconcile(1, 10_000);
                    mine++;
                } else {
                    // only this instance's share is spent, not the budget: 503, retry soon, never "budget exceeded"
                    assertThat(a.refusal().orElseThrow().kind()).isEqualTo(LimitKind.UNAVAILABLE);
                }
            }
            // a third of the ~700,000 left: 23 calls of 10,000 each (not 69, the whole rest)
            assertThat(mine).as("one instance's calls while Redis is away").isEqualTo(23);
            spentDuring += mine * 10_000;
        }
        assertThat(spentBefore + spentDuring).isLessThanOrEqualTo(budget);

        redisComesBack();
        long total = spentBefore + spentDuring;
        eventually(() -> {
            try {
                fleet.forEach(f -> f.redisLimiter.flushReconciles());
                return valueInRedis("key:spend:usd:total") == total;
            } catch (Exception e) {
                return false;
            }
        });
        // exact again: 9,997 left, so a 10,000 call is a real budget refusal, and a 9,997 one fits
        assertThat(await(fleet.get(0).limiter.admit(call)).refusal().orElseThrow().kind()).isEqualTo(LimitKind.BUDGET);
        assertThat(await(fleet.get(1).limiter.admit(AdmissionRequest.of(List.of(scope), 1, budget - total))).admitted()).isTrue();
        Thread.sleep(300);
        assertThat(valueInRedis("key:spend:usd:total")).isEqualTo(budget);
    }

    @Test
    void anInstanceThatDiesStopsBeingCountedAfterTheExpiryAndOneThatLeavesAtOnce() throws Exception {
        Instance crashed = fleet.get(2);
        crashed.registry.stop(); // no more heartbeats, no goodbye
        long stoppedAt = System.nanoTime();
        eventually(() -> fleet.get(0).registry.live() == 2 && fleet.get(1).registry.live() == 2);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
        assertThat(waited).as("counted until its entry expires").isGreaterThanOrEqualTo(InstanceRegistry.TTL_MILLIS - 1_500);

        await(fleet.get(1).registry.leave());
        long leftAt = System.nanoTime();
        eventually(() -> fleet.get(0).registry.live() == 1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - leftAt)).isLessThan(InstanceRegistry.TTL_MILLIS - 1_000);
        // the set holds only the live instance
        assertThat(await(direct.zrange(List.of(prefix + "instances", "0", "-1"))).stream().map(Response::toString).toList())
                .containsExactly(fleet.get(0).registry.id());
    }

    @Test
    void idsAreRandomPerInstanceAndTheSetHoldsOnlyThem() throws Exception {
        List<String> ids = fleet.stream().map(f -> f.registry.id()).toList();
        assertThat(ids).doesNotHaveDuplicates().allSatisfy(id -> UUID.fromString(id));
        assertThat(await(direct.zrange(List.of(prefix + "instances", "0", "-1"))).stream().map(Response::toString).toList())
                .containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aThousandFakeInstancesOnlyShrinkSharesAndImplausibleEntriesAreDropped() throws Exception {
        long now = Long.parseLong(await(direct.time()).get(0).toString()) * 1000;
        List<String> args = new ArrayList<>(List.of(prefix + "instances"));
        for (int i = 0; i < 1000; i++) {
            args.add(Long.toString(now + 30_000)); // alive for half a minute
            args.add("fake-" + i);
        }
        args.add("+inf");
        args.add("forever");
        args.add(Long.toString(now + 86_400_000));
        args.add("tomorrow");
        await(direct.zadd(args));
        // entries no instance would write (scored further ahead than ten expiries) are dropped; the rest count
        eventually(() -> fleet.stream().allMatch(f -> f.registry.live() == 1003));
        assertThat(await(direct.zscore(prefix + "instances", "forever"))).isNull();

        Scope rpm = Scope.of("key:tiny", RateLimit.requestsPerMinute(100));
        Scope none = Scope.of("key:zero", RateLimit.requestsPerMinute(0));
        Scope tpm = Scope.of("key:tpm", new RateLimit(null, 1_000L, null));
        redisGoesAway();
        Instance f = fleet.get(0);
        // 100 / 1003 rounds to 0: each instance still admits one a minute (the documented rounding), never divides by 0
        assertThat(admitted(await(f.burst(AdmissionRequest.of(List.of(rpm), 1, 0), 10)))).isEqualTo(1);
        // a limit of 0 stays 0
        assertThat(admitted(await(f.burst(AdmissionRequest.of(List.of(none), 1, 0), 3)))).isZero();
        // a request that fits the limit but not the tiny share is 503 (retry), not 400 "too large"
        Admission big = await(f.limiter.admit(AdmissionRequest.of(List.of(tpm), 10, 0)));
        assertThat(big.refusal().orElseThrow().kind()).isEqualTo(LimitKind.UNAVAILABLE);
        assertThat(big.refusal().orElseThrow().tooLarge()).isFalse();
        // one that exceeds the limit itself is still too large
        Admission huge = await(f.limiter.admit(AdmissionRequest.of(List.of(tpm), 2_000, 0)));
        assertThat(huge.refusal().orElseThrow().tooLarge()).isTrue();
    }
}
