package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the sliding windows' layout in Redis (a hash per counter with a running total) must keep: replicas whose
 * clocks differ by a bucket count the same window, a counter stays small however long it is used, and the windows a
 * gateway of the previous layout (a key per bucket) left behind are carried over on upgrade.
 */
class RedisWindowLayoutTest {
    private static final Instant START = Instant.parse("2026-03-10T12:00:30Z");
    private static EmbeddedRedis redis;
    private static Vertx vertx;
    private static RedisAPI direct;
    private final List<RedisLimiter> opened = new ArrayList<>();
    private final String prefix = "w" + UUID.randomUUID() + ":";

    @BeforeAll
    static void startRedis() {
        redis = new EmbeddedRedis();
        vertx = Vertx.vertx();
        direct = RedisAPI.api(Redis.createClient(vertx, redis.uri()));
    }

    @AfterAll
    static void stopRedis() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
    }

    @AfterEach
    void closeLimiters() throws Exception {
        for (RedisLimiter l : opened) {
            get(l.close());
        }
    }

    private RedisLimiter limiter(MutableClock clock) {
        RedisLimiter l = new RedisLimiter(vertx, Redis.createClient(vertx, RedisLimiter.clientOptions(redis.uri())),
                new RedisLimiterSettings(prefix, null, 0), clock);
        opened.add(l);
        return l;
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static AdmissionRequest oneRequest(String scope, long perMinute) {
        return AdmissionRequest.of(List.of(Scope.of(scope, RateLimit.requestsPerMinute(perMinute))), 1, 0);
    }

    @Test
    void aReplicaWhoseClockIsABucketBehindStillCountsTheBucketTheOtherOneDropped() throws Exception {
        MutableClock behind = new MutableClock(START);
        MutableClock ahead = new MutableClock(START.plusSeconds(5));
        RedisLimiter slow = limiter(behind);
        RedisLimiter fast = limiter(ahead);
        AdmissionRequest req = oneRequest("key:skew", 3);
        assertThat(get(slow.admit(req)).admitted()).isTrue();
        assertThat(get(slow.admit(req)).admitted()).isTrue();
        behind.advance(Duration.ofSeconds(60)); // 12:01:30: the 12:00:30 bucket is still in this replica's minute
        ahead.advance(Duration.ofSeconds(60)); // 12:01:35: not in this one's, which moves the counter's start past it
        assertThat(get(fast.admit(req)).admitted()).as("the other replica's minute holds one").isTrue();
        assertThat(get(slow.admit(req)).admitted()).as("this minute holds 2 + 1").isFalse();
        behind.advance(Duration.ofSeconds(5));
        assertThat(get(slow.admit(req)).admitted()).as("12:01:35: the first two dropped").isTrue();
        assertThat(get(fast.admit(req)).admitted()).isTrue();
        assertThat(get(fast.admit(req)).admitted()).isFalse();
    }

    @Test
    void aCounterUsedForLongHoldsOnlyItsWindowsBuckets() throws Exception {
        MutableClock clock = new MutableClock(START);
        RedisLimiter l = limiter(clock);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:long", new RateLimit(1000L, 1_000_000L, null))), 10, 0);
        for (int i = 0; i < 60; i++) { // five minutes, one admission per bucket
            Admission a = get(l.admit(req));
            assertThat(a.admitted()).isTrue();
            assertThat(a.requests().orElseThrow().remaining()).as("bucket %d", i).isEqualTo(1000 - Math.min(i + 1, 13));
            a.reservation().reconcile(4, 0);
            get(l.flushReconciles());
            clock.advance(Duration.ofSeconds(5));
        }
        Response fields = get(direct.hkeys(prefix + "key:long:tpm"));
        assertThat(fields.size()).as("lo, n, the window and the kept buckets")
                .isLessThanOrEqualTo(2 + SlidingWindow.BUCKETS + SlidingWindow.KEPT_BEHIND);
        Admission last = get(l.admit(AdmissionRequest.of(req.scopes(), 10, 0)));
        assertThat(last.tokens().orElseThrow().remaining()).as("12 settled at 4 each, then this one's 10")
                .isEqualTo(1_000_000 - 12 * 4 - 10);
        assertThat(get(direct.ttl(prefix + "key:long:rpm")).toLong()).isPositive();
    }

    @Test
    void windowsOfThePreviousLayoutAreCarriedOverOnUpgrade() throws Exception {
        MutableClock clock = new MutableClock(START);
        long b = SlidingWindow.bucketOf(clock.millis());
        // what a gateway of the previous layout left: a key per bucket, one out of the window, one in, one ahead
        get(direct.set(List.of(prefix + "key:old:rpm:" + (b - SlidingWindow.BUCKETS), "5")));
        get(direct.set(List.of(prefix + "key:old:rpm:" + (b - 3), "3")));
        get(direct.set(List.of(prefix + "key:old:rpm:" + (b + 1), "1")));
        RedisLimiter l = limiter(clock);
        AdmissionRequest req = oneRequest("key:old", 6);
        Admission a = get(l.admit(req));
        assertThat(a.admitted()).isTrue();
        assertThat(a.requests().orElseThrow().remaining()).as("3 + 1 carried over, the old bucket not").isEqualTo(1);
        assertThat(get(l.admit(req)).admitted()).isTrue();
        Admission refused = get(l.admit(req));
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusal().orElseThrow().retryAfterMillis()).as("the carried bucket b - 3 drops in 50 s")
                .isEqualTo(SlidingWindow.dropsAt(b - 3) - clock.millis());
    }
}
