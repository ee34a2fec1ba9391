package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisLimiterTest extends LimiterContractTest {
    private static EmbeddedRedis redis;
    private static Vertx vertx;
    private final List<RedisLimiter> opened = new ArrayList<>();
    private final List<Vertx> extraVertx = new ArrayList<>();
    private final String prefix = "t" + UUID.randomUUID() + ":";

    @BeforeAll
    static void startRedis() {
        redis = new EmbeddedRedis();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
    }

    @AfterEach
    void closeLimiters() throws Exception {
        for (RedisLimiter l : opened) {
            l.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        for (Vertx v : extraVertx) {
            v.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private RedisLimiter limiterOn(Vertx v, MutableClock clock) {
        Redis client = Redis.createClient(v, RedisLimiter.clientOptions(redis.uri()));
        RedisLimiter limiter = new RedisLimiter(v, client, new RedisLimiterSettings(prefix, null, 0), clock);
        opened.add(limiter);
        return limiter;
    }

    @Override
    CountingLimiter newLimiter(MutableClock clock) {
        return limiterOn(vertx, clock);
    }

    @Override
    void settle(CountingLimiter limiter) throws Exception {
        ((RedisLimiter) limiter).flushReconciles().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void threeInstancesOnOneRedisAdmitExactlyTheLimit() throws Exception {
        List<RedisLimiter> instances = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Vertx v = Vertx.vertx();
            extraVertx.add(v);
            instances.add(limiterOn(v, clock));
        }
        Scope key = new Scope("key:shared", new RateLimit(150L, null, null), new Budget(1_000_000, Budget.Period.DAY));
        AdmissionRequest req = AdmissionRequest.of(List.of(key), 10, 5000);
        int[] next = {0};
        List<Admission> answers = concurrently(600, () -> {
            RedisLimiter l;
            synchronized (next) {
                l = instances.get(next[0]++ % 3);
            }
            return l.admit(req);
        });
        assertThat(admittedCount(answers)).isEqualTo(150);
        // budget: 1_000_000 / 5000 = 200 worst cases would fit; the request limit binds first
        assertThat(answers.stream().filter(a -> !a.admitted())
                .allMatch(a -> a.refusal().orElseThrow().kind() == LimitKind.REQUESTS_PER_MINUTE)).isTrue();
    }

    @Test
    void reconcilesAreBatchedWithoutAnyExplicitFlush() throws Exception {
        RedisLimiter limiter = limiterOn(vertx, clock);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:batch", new RateLimit(null, 1000L, null))), 500, 0);
        Admission a = await(limiter.admit(req));
        await(limiter.admit(req));
        a.reservation().reconcile(0, 0);
        // the timer-driven flush lands within ~20 ms; poll rather than assume a timing
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Admission third;
        do {
            Thread.sleep(10);
            third = await(limiter.admit(AdmissionRequest.of(req.scopes(), 500, 0)));
        } while (!third.admitted() && System.nanoTime() < deadline);
        assertThat(third.admitted()).isTrue();
    }

    @Test
    void survivesScriptFlushOnTheServer() throws Exception {
        RedisLimiter limiter = limiterOn(vertx, clock);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:flush", RateLimit.requestsPerMinute(5))), 1, 0);
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        Redis raw = Redis.createClient(vertx, redis.uri());
        Future<?> flushed = io.vertx.redis.client.RedisAPI.api(raw).script(List.of("FLUSH"));
        flushed.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        raw.close();
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
    }

    @Test
    void concurrentAdmissionsShareScriptCallsAndReconcilesAreBatched() throws Exception {
        RedisLimiter limiter = limiterOn(vertx, clock);
        limiter.warmUp().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        io.vertx.redis.client.RedisAPI admin = io.vertx.redis.client.RedisAPI.api(Redis.createClient(vertx, redis.uri()));
        admin.config(List.of("RESETSTAT")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        Scope key = new Scope("key:calls", new RateLimit(1000L, 1_000_000L, 10_000_000L), new Budget(1_000_000, Budget.Period.DAY));
        Scope team = new Scope("team:calls", new RateLimit(1000L, null, null), new Budget(1_000_000, Budget.Period.MONTH));
        List<Admission> answers = concurrently(100, () -> limiter.admit(AdmissionRequest.of(List.of(key, team), 50, 100)));
        assertThat(admittedCount(answers)).isEqualTo(100);
        answers.forEach(a -> a.reservation().reconcile(20, 40));
        settle(limiter);

        String stats = admin.info(List.of("commandstats")).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).toString();
        long scriptCalls = calls(stats, "evalsha") + calls(stats, "eval");
        // 100 concurrent admissions share script calls (coalesced per event-loop turn), and 100 reconciles touching
        // 500 counter entries go 100 entries a batch (merged per key): far from a round trip per request
        assertThat(scriptCalls).isBetween(2L, 50L);
    }

    private static long calls(String stats, String command) {
        for (String line : stats.split("\\r?\\n")) {
            if (line.startsWith("cmdstat_" + command + ":")) {
                String rest = line.substring(line.indexOf("calls=") + 6);
                return Long.parseLong(rest.substring(0, rest.indexOf(',')));
            }
        }
        return 0;
    }
}
