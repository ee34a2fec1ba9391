package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis that stops answering without closing its connections (the process frozen with SIGSTOP, as on a stalled
 * host) under steady load, with the default 75 ms call timeout: the limiter degrades to its failure mode within about
 * a second, no admission hangs, and it returns to Redis once the process runs again.
 */
class HungRedisTest {
    private EmbeddedRedis redis;
    private Vertx vertx;
    private RedisLimiter redisLimiter;
    private DegradingLimiter limiter;
    private long pid;

    @BeforeEach
    void start() throws Exception {
        redis = new EmbeddedRedis();
        vertx = Vertx.vertx();
        RedisAPI admin = RedisAPI.api(Redis.createClient(vertx, redis.uri()));
        String info = admin.info(List.of("server")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
        pid = Long.parseLong(info.lines().filter(l -> l.startsWith("process_id:")).findFirst().orElseThrow()
                .substring("process_id:".length()).trim());
    }

    @AfterEach
    void stop() throws Exception {
        signal("CONT");
        if (limiter != null) {
            limiter.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
    }

    private void limiter(DegradingSettings settings) throws Exception {
        redisLimiter = new RedisLimiter(vertx, RedisLimiter.clientOptions(redis.uri()),
                new RedisLimiterSettings("h" + UUID.randomUUID() + ":", null, 0), Clock.systemUTC());
        redisLimiter.warmUp().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        limiter = new DegradingLimiter(vertx, redisLimiter, new LocalLimiter(), settings);
    }

    private void signal(String sig) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "kill -" + sig + " " + pid).inheritIO().start(); // the shell's own kill
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    /** Admissions fired every 5 ms from an event loop; records each answer and the slowest one. */
    private final class Load {
        final ConcurrentLinkedQueue<Admission> answers = new ConcurrentLinkedQueue<>();
        final AtomicInteger fired = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicLong slowestNanos = new AtomicLong();
        final long timer;

        Load(AdmissionRequest req) {
            timer = vertx.setPeriodic(5, id -> {
                long start = System.nanoTime();
                fired.incrementAndGet();
                limiter.admit(req).onComplete(ar -> {
                    slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                    if (ar.succeeded()) {
                        answers.add(ar.result());
                    } else {
                        failures.incrementAndGet();
                    }
                });
            });
        }

        void stop() {
            vertx.cancelTimer(timer);
        }
    }

    private static void eventually(BooleanSupplier condition, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void failClosedRefusesWhileRedisIsFrozenAndRecovers() throws Exception {
        limiter(DegradingSettings.closedOnFailure());
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:frozen", RateLimit.requestsPerMinute(1_000_000))), 1, 0);
        Load load = new Load(req);
        eventually(() -> load.answers.size() > 50, 10);
        assertThat(load.answers).allMatch(Admission::admitted);

        signal("STOP");
        long frozenAt = System.nanoTime();
        eventually(() -> limiter.mode() == LimiterMode.CLOSED, 10);
        assertThat(System.nanoTime() - frozenAt).as("sustained timeouts detected in about a second")
                .isLessThan(TimeUnit.SECONDS.toNanos(4));
        int before = load.answers.size();
        eventually(() -> load.answers.size() > before + 50, 10);
        assertThat(load.answers.stream().skip(before))
                .allMatch(a -> a.refusal().orElseThrow().kind() == LimitKind.UNAVAILABLE);

        signal("CONT");
        eventually(() -> limiter.mode() == LimiterMode.REDIS, 10);
        int back = load.answers.size();
        eventually(() -> load.answers.size() > back + 50, 10);
        load.stop();
        eventually(() -> load.answers.size() + load.failures.get() == load.fired.get(), 10);
        assertThat(load.failures.get()).as("every admission answered, none failed").isZero();
        assertThat(load.answers.stream().skip(back + 10)).as("counted in Redis again").allMatch(Admission::admitted);
        assertThat(load.slowestNanos.get()).as("no admission waited much past the backstop")
                .isLessThan(TimeUnit.MILLISECONDS.toNanos(DegradingSettings.closedOnFailure().backstop().toMillis() + 500));
    }

    @Test
    void failOpenCountsLocallyWhileRedisIsFrozenAndCountsInRedisAfter() throws Exception {
        limiter(DegradingSettings.openOnFailure());
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:frozen-open", RateLimit.requestsPerMinute(1_000_000))), 1, 0);
        Load load = new Load(req);
        eventually(() -> load.answers.size() > 50, 10);

        signal("STOP");
        eventually(() -> limiter.mode() == LimiterMode.LOCAL_FALLBACK, 10);
        int before = load.answers.size();
        eventually(() -> load.answers.size() > before + 50, 10);

        signal("CONT");
        eventually(() -> limiter.mode() == LimiterMode.REDIS, 10);
        load.stop();
        eventually(() -> load.answers.size() + load.failures.get() == load.fired.get(), 10);
        assertThat(load.failures.get()).isZero();
        assertThat(load.answers).allMatch(Admission::admitted);

        // shared counting again: a limit of one, taken through the degrading limiter, is seen by Redis
        Scope one = Scope.of("key:one-after", RateLimit.requestsPerMinute(1));
        assertThat(limiter.admit(AdmissionRequest.of(List.of(one), 1, 0)).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).admitted()).isTrue();
        assertThat(redisLimiter.admit(AdmissionRequest.of(List.of(one), 1, 0)).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).admitted()).isFalse();
    }
}
