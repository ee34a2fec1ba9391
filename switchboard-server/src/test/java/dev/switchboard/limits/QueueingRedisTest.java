package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Queued requests on a shared Redis: this instance's refunds wake them once applied; other instances' by polling. */
class QueueingRedisTest {
    private static EmbeddedRedis redis;
    private static Vertx vertx;
    private final String prefix = "q" + UUID.randomUUID() + ":";
    private RedisLimiter here;
    private RedisLimiter there;
    private DegradingLimiter degrading;

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
    void close() throws Exception {
        if (degrading != null) {
            degrading.close();
        }
        for (RedisLimiter l : new RedisLimiter[] {here, there}) {
            if (l != null) {
                l.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private RedisLimiter instance() {
        Redis client = Redis.createClient(vertx, RedisLimiter.clientOptions(redis.uri()));
        return new RedisLimiter(vertx, client, new RedisLimiterSettings(prefix, Duration.ofMillis(20), 100), Clock.systemUTC());
    }

    private static Admission await(Future<Admission> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    private static AdmissionRequest tokens(Scope scope, long n, Duration wait) {
        return AdmissionRequest.of(List.of(scope), n, 0).withMaxWait(wait);
    }

    @Test
    void aRefundOnThisInstanceWakesTheQueuedRequestOnceRedisHasIt() throws Exception {
        here = instance();
        QueueingLimiter queue = new QueueingLimiter(vertx, here);
        Scope scope = Scope.of("key:r1", new RateLimit(null, 100L, null));
        Admission a = await(queue.admit(tokens(scope, 100, Duration.ZERO)));
        Future<Admission> b = queue.admit(tokens(scope, 40, Duration.ofSeconds(10)));
        Thread.sleep(300);
        assertThat(b.isComplete()).isFalse();

        long refunded = System.nanoTime();
        a.reservation().reconcile(50, 0);
        assertThat(await(b).admitted()).isTrue();
        long tookMillis = (System.nanoTime() - refunded) / 1_000_000;
        assertThat(tookMillis).as("the batch delay (20 ms) and a round trip, not the poll (1 s)").isLessThan(500);
    }

    @Test
    void aRefundOnAnotherInstanceIsSeenByThePollWithinAboutASecond() throws Exception {
        here = instance();
        there = instance();
        QueueingLimiter queue = new QueueingLimiter(vertx, here);
        Scope scope = Scope.of("key:r2", new RateLimit(null, 100L, null));
        Admission a = await(there.admit(tokens(scope, 100, Duration.ZERO)));
        Future<Admission> b = queue.admit(tokens(scope, 40, Duration.ofSeconds(10)));
        Thread.sleep(100);

        long refunded = System.nanoTime();
        a.reservation().reconcile(50, 0);
        assertThat(await(b).admitted()).isTrue();
        long tookMillis = (System.nanoTime() - refunded) / 1_000_000;
        assertThat(tookMillis).as("the next poll (1 s ± 25 %), not retry-after (~60 s)").isLessThan(2_500);
    }

    @Test
    void throughTheDegradingLimiterARefundWakesTheQueueInEitherMode() throws Exception {
        here = instance();
        degrading = new DegradingLimiter(vertx, here, new LocalLimiter(),
                new DegradingSettings(true, Duration.ofSeconds(2), Duration.ofSeconds(1)));
        QueueingLimiter queue = new QueueingLimiter(vertx, degrading);
        Scope scope = Scope.of("key:r3", RateLimit.requestsPerMinute(1));
        Admission a = await(queue.admit(tokens(scope, 1, Duration.ZERO)));
        assertThat(a.admitted()).isTrue();
        Future<Admission> b = queue.admit(tokens(scope, 1, Duration.ofSeconds(10)));
        Thread.sleep(300);
        assertThat(b.isComplete()).isFalse();
        long released = System.nanoTime();
        a.reservation().release();
        assertThat(await(b).admitted()).isTrue();
        assertThat(System.nanoTime() - released).isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
    }

    @Test
    void whileRedisIsAwayTheLocalFallbacksReleaseWakesTheQueue() throws Exception {
        redis.stop();
        try {
            here = instance();
            degrading = new DegradingLimiter(vertx, here, new LocalLimiter(),
                    new DegradingSettings(true, Duration.ofSeconds(2), Duration.ofSeconds(30)));
            QueueingLimiter queue = new QueueingLimiter(vertx, degrading);
            Scope scope = Scope.of("key:r4", RateLimit.requestsPerMinute(1));
            Admission a = await(queue.admit(tokens(scope, 1, Duration.ZERO)));
            assertThat(a.admitted()).isTrue();
            assertThat(degrading.mode()).isEqualTo(LimiterMode.LOCAL_FALLBACK);
            Future<Admission> b = queue.admit(tokens(scope, 1, Duration.ofSeconds(10)));
            Thread.sleep(300);
            assertThat(b.isComplete()).isFalse();
            long released = System.nanoTime();
            a.reservation().release();
            assertThat(await(b).admitted()).isTrue();
            assertThat(System.nanoTime() - released).isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
        } finally {
            redis.start();
        }
    }
}
