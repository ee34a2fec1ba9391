package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gateway closes Vert.x (draining requests, whose settlement queues reconciles) before it closes the limiter:
 * closing a limiter whose event loops are gone must not throw, or the rest of the shutdown (usage ledger flush,
 * store) would be skipped.
 */
class RedisLimiterShutdownTest {
    @Test
    void closingAfterVertxIsGoneWithReconcilesPendingDoesNotThrow() throws Exception {
        try (EmbeddedRedis redis = new EmbeddedRedis()) {
            Vertx vertx = Vertx.vertx();
            Redis client = Redis.createClient(vertx, RedisLimiter.clientOptions(redis.uri()));
            // a long reconcile delay keeps the adjustment pending until close
            RedisLimiter limiter = new RedisLimiter(vertx, client,
                    new RedisLimiterSettings("shutdown:", Duration.ofMinutes(1), 1000), java.time.Clock.systemUTC());
            Scope key = Scope.of("key:k", new RateLimit(10L, 1000L, null));
            Admission a = limiter.admit(AdmissionRequest.of(List.of(key), 100, 0))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(a.admitted()).isTrue();
            a.reservation().reconcile(10, 0);

            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

            Future<Void>[] closed = new Future[1];
            assertThatCode(() -> closed[0] = limiter.close()).doesNotThrowAnyException();
            assertThat(closed[0]).isNotNull();
        }
    }
}
