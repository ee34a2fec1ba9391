package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three instances (each its own Vert.x with two event loops) share one healthy Redis and take a burst of several
 * hundred concurrent admissions with the default 75 ms call timeout and fail_closed: none is refused as unavailable,
 * none degrades, and exactly the limit is admitted. Before coalescing, the burst queued in each client's pool and the
 * timeout, which counted the queueing, answered 503 to a share of it.
 */
class BurstOverThreeInstancesTest {
    private static final int PER_CONTEXT = 100;

    private EmbeddedRedis redis;
    private final List<Vertx> vertxes = new ArrayList<>();
    private final List<RedisLimiter> redisLimiters = new ArrayList<>();
    private final List<DegradingLimiter> limiters = new ArrayList<>();
    /** Two contexts per instance, one on each of its event loops. */
    private final List<Map.Entry<Context, Limiter>> callers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = new EmbeddedRedis();
        for (int i = 0; i < 3; i++) {
            Vertx v = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
            vertxes.add(v);
            RedisLimiter r = new RedisLimiter(v, RedisLimiter.clientOptions(redis.uri()),
                    new RedisLimiterSettings("burst:", null, 0), Clock.systemUTC());
            r.warmUp().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            redisLimiters.add(r);
            DegradingLimiter d = new DegradingLimiter(v, r, new LocalLimiter(), DegradingSettings.closedOnFailure());
            limiters.add(d);
            callers.add(Map.entry(contextOnNextLoop(v), d));
            callers.add(Map.entry(contextOnNextLoop(v), d));
        }
    }

    /** A context on the next event loop: each new thread is given the next loop (round-robin) for its contexts. */
    private static Context contextOnNextLoop(Vertx v) throws Exception {
        CompletableFuture<Context> ctx = new CompletableFuture<>();
        Thread t = new Thread(() -> ctx.complete(v.getOrCreateContext()));
        t.start();
        t.join();
        return ctx.get();
    }

    @AfterEach
    void stop() throws Exception {
        limiters.forEach(DegradingLimiter::close);
        for (RedisLimiter r : redisLimiters) {
            r.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        for (Vertx v : vertxes) {
            v.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        redis.close();
    }

    @Test
    void aBurstOverThreeInstancesAdmitsExactlyTheLimitAndNeverDegrades() throws Exception {
        // a first burst compiles the path (a fresh JVM's JIT takes both cores of a small machine), as a running
        // gateway's would be; it must not degrade either
        burst(AdmissionRequest.of(List.of(Scope.of("key:warm-up", RateLimit.requestsPerMinute(100_000))), 1, 0));
        assertThat(limiters).allMatch(l -> l.mode() == LimiterMode.REDIS);
        for (int round = 0; round < 3; round++) {
            int limit = 200;
            Scope key = new Scope("key:" + UUID.randomUUID(), new RateLimit((long) limit, 10_000_000L, null),
                    new Budget(1_000_000_000, Budget.Period.DAY));
            Scope team = new Scope("team:" + UUID.randomUUID(), new RateLimit(100_000L, null, 100_000_000L), null);
            AdmissionRequest req = AdmissionRequest.of(List.of(key, team), 200, 1_000);

            List<Admission> answers = burst(req);

            assertThat(answers).hasSize(callers.size() * PER_CONTEXT);
            Map<Object, Long> kinds = answers.stream().collect(Collectors.groupingBy(
                    a -> a.admitted() ? "admitted" : a.refusal().orElseThrow().kind(), Collectors.counting()));
            assertThat(kinds).as("round %d", round)
                    .containsExactlyInAnyOrderEntriesOf(Map.of("admitted", (long) limit,
                            LimitKind.REQUESTS_PER_MINUTE, (long) answers.size() - limit));
            assertThat(limiters).allMatch(l -> l.mode() == LimiterMode.REDIS);
        }
    }

    /**
     * On each context, half the admissions arrive in one turn and half spread over 40 ms (many turns), all at about
     * the same moment on the three instances.
     */
    private List<Admission> burst(AdmissionRequest req) throws Exception {
        ConcurrentLinkedQueue<Future<Admission>> calls = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> fired = new ArrayList<>();
        long at = System.currentTimeMillis() + 100;
        for (Map.Entry<Context, Limiter> c : callers) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            fired.add(done);
            Context ctx = c.getKey();
            Limiter limiter = c.getValue();
            ctx.runOnContext(v -> {
                Vertx vx = ctx.owner();
                int[] left = {PER_CONTEXT};
                Function<Integer, Void> fire = n -> {
                    for (int i = 0; i < n; i++) {
                        calls.add(limiter.admit(req));
                    }
                    left[0] -= n;
                    if (left[0] == 0) {
                        done.complete(null);
                    }
                    return null;
                };
                long delay = Math.max(1, at - System.currentTimeMillis());
                vx.setTimer(delay, id -> fire.apply(PER_CONTEXT / 2));
                for (int i = 0; i < PER_CONTEXT - PER_CONTEXT / 2; i++) {
                    vx.setTimer(delay + ThreadLocalRandom.current().nextInt(40), id -> fire.apply(1));
                }
            });
        }
        CompletableFuture.allOf(fired.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        List<Admission> out = new ArrayList<>();
        for (Future<Admission> f : calls) {
            out.add(f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        }
        return out;
    }
}
