package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueueingLimiterTest {
    private Vertx vertx;
    private ShiftedClock clock;
    private LocalLimiter local;
    private QueueingLimiter limiter;
    /** Admissions the queue asked of the counters. */
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        clock = new ShiftedClock();
        local = new LocalLimiter(clock);
        limiter = new QueueingLimiter(vertx, new Limiter() {
            @Override
            public Future<Admission> admit(AdmissionRequest request) {
                calls.incrementAndGet();
                return local.admit(request);
            }

            @Override
            public RoomSignal roomSignal() {
                return local.roomSignal();
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Admission await(Future<Admission> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static AdmissionRequest tokens(Scope scope, long n, Duration wait) {
        return AdmissionRequest.of(List.of(scope), n, 0).withMaxWait(wait);
    }

    @Test
    void waitsForOldBucketsToDropInsteadOfRefusing() throws Exception {
        Scope scope = Scope.of("key:q", RateLimit.requestsPerMinute(1));
        AdmissionRequest req = AdmissionRequest.of(List.of(scope), 1, 0);
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        // jump to 600 ms before the bucket holding that admission leaves the sliding window
        clock.shiftTo(SlidingWindow.dropsAt(SlidingWindow.bucketOf(clock.millis())) - 600);
        Admission now = await(limiter.admit(req));
        assertThat(now.admitted()).as("no wait allowed").isFalse();
        assertThat(now.refusal().orElseThrow().retryAfterMillis()).isBetween(500L, 600L);

        long start = System.nanoTime();
        Admission waited = await(limiter.admit(req.withMaxWait(Duration.ofSeconds(5))));
        assertThat(waited.admitted()).isTrue();
        assertThat(System.nanoTime() - start).as("admitted when the bucket dropped")
                .isBetween(TimeUnit.MILLISECONDS.toNanos(450), TimeUnit.SECONDS.toNanos(3));

        // the next room is a whole window away: it waits its wait for a refund, then gets the refusal
        start = System.nanoTime();
        Admission refused = await(limiter.admit(req.withMaxWait(Duration.ofMillis(800))));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusal().orElseThrow().retryAfterSeconds()).isGreaterThan(55);
        assertThat(tookMillis).isBetween(750L, 3_000L);
    }

    @Test
    void aRefundWakesAQueuedRequestAtOnceNotAtRetryAfter() throws Exception {
        Scope scope = Scope.of("key:refund", new RateLimit(null, 100L, null));
        Admission a = await(limiter.admit(tokens(scope, 100, Duration.ZERO)));
        assertThat(a.admitted()).isTrue();
        assertThat(await(limiter.admit(tokens(scope, 30, Duration.ZERO))).refusal().orElseThrow().retryAfterMillis())
                .as("without a refund, room comes back only when the bucket drops").isGreaterThan(55_000);

        Future<Admission> b = limiter.admit(tokens(scope, 30, Duration.ofSeconds(10)));
        Thread.sleep(200);
        assertThat(b.isComplete()).as("B waits while A holds the window").isFalse();
        long refunded = System.nanoTime();
        a.reservation().reconcile(20, 0); // A used 20 of its 100
        Admission admitted = await(b);
        long wokeMillis = (System.nanoTime() - refunded) / 1_000_000;

        assertThat(admitted.admitted()).isTrue();
        assertThat(wokeMillis).as("admitted right after the refund").isLessThan(500);
        assertThat(local.valueOf("key:refund:tpm")).isEqualTo(50);
    }

    @Test
    void aReleaseWakesAQueuedRequest() throws Exception {
        Scope scope = Scope.of("key:release", RateLimit.requestsPerMinute(1));
        Admission a = await(limiter.admit(tokens(scope, 1, Duration.ZERO)));
        Future<Admission> b = limiter.admit(tokens(scope, 1, Duration.ofSeconds(10)));
        Thread.sleep(100);
        assertThat(b.isComplete()).isFalse();
        long released = System.nanoTime();
        a.reservation().release();
        assertThat(await(b).admitted()).isTrue();
        assertThat(System.nanoTime() - released).isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
    }

    @Test
    void aRefundForTenAdmitsTheTenEarliestOfFiveHundredAndTheRestTimeOutWithRetryAfter() throws Exception {
        Scope scope = Scope.of("key:many", new RateLimit(null, 10L, null));
        Admission holder = await(limiter.admit(tokens(scope, 10, Duration.ZERO)));
        assertThat(holder.admitted()).isTrue();
        Duration wait = Duration.ofMillis(1500);
        List<Future<Admission>> waiters = new ArrayList<>();
        Context ctx = vertx.getOrCreateContext();
        CompletableFuture<Void> queued = new CompletableFuture<>();
        long queuedAt = System.nanoTime();
        ctx.runOnContext(v -> {
            for (int i = 0; i < 500; i++) {
                waiters.add(limiter.admit(tokens(scope, 1, wait)));
            }
            queued.complete(null);
        });
        queued.get(10, TimeUnit.SECONDS);
        assertThat(local.roomSignal().waiting("key:many")).isEqualTo(500);
        int callsBefore = calls.get();

        holder.reservation().reconcile(0, 0); // gives all 10 tokens back
        Thread.sleep(300);
        List<Integer> admitted = new ArrayList<>();
        for (int i = 0; i < waiters.size(); i++) {
            if (waiters.get(i).isComplete() && waiters.get(i).result().admitted()) {
                admitted.add(i);
            }
        }
        assertThat(admitted).as("the ten earliest, at the refund").containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(calls.get() - callsBefore).as("one try per admitted waiter, plus the one that found no room")
                .isEqualTo(11);
        assertThat(waiters.stream().filter(Future::isComplete)).hasSize(10);

        int refused = 0;
        for (Future<Admission> f : waiters.subList(10, 500)) {
            Admission a = await(f);
            assertThat(a.admitted()).isFalse();
            assertThat(a.refusal().orElseThrow().kind()).isEqualTo(LimitKind.TOKENS_PER_MINUTE);
            assertThat(a.retryAfterSeconds()).isGreaterThan(50);
            refused++;
        }
        assertThat(refused).isEqualTo(490);
        assertThat(System.nanoTime() - queuedAt).as("held until their wait ended").isGreaterThan(wait.toNanos());
        assertThat(local.valueOf("key:many:tpm")).isEqualTo(10);
        assertThat(local.roomSignal().waiting("key:many")).isZero();
    }

    @Test
    void aWaiterStoppedByAnotherScopePassesTheWakeOn() throws Exception {
        Scope shared = Scope.of("team:t", new RateLimit(null, 2L, null));
        Scope tight = Scope.of("key:tight", RateLimit.requestsPerMinute(1));
        Scope free = Scope.of("key:free", RateLimit.requestsPerMinute(100));
        Admission holder = await(limiter.admit(AdmissionRequest.of(List.of(free, shared), 2, 0)));
        assertThat(await(limiter.admit(AdmissionRequest.of(List.of(tight), 0, 0))).admitted()).isTrue();
        // first in the team's line, but its own key is spent for the minute; the second fits once the team has room
        Future<Admission> blocked = limiter.admit(AdmissionRequest.of(List.of(shared, tight), 1, 0)
                .withMaxWait(Duration.ofSeconds(3)));
        Future<Admission> next = limiter.admit(AdmissionRequest.of(List.of(free, shared), 1, 0)
                .withMaxWait(Duration.ofSeconds(3)));
        Thread.sleep(100);
        holder.reservation().reconcile(1, 0);
        assertThat(await(next).admitted()).isTrue();
        assertThat(blocked.isComplete()).isFalse();
        assertThat(await(blocked).admitted()).as("its key stays spent").isFalse();
    }

    @Test
    void budgetRefusalsDoNotWait() throws Exception {
        Scope scope = Scope.of("key:qb", new Budget(100, Budget.Period.DAY));
        AdmissionRequest req = AdmissionRequest.of(List.of(scope), 1, 100);
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        long start = System.nanoTime();
        Admission refused = await(limiter.admit(req.withMaxWait(Duration.ofDays(2))));
        assertThat(refused.refusal().orElseThrow().kind()).isEqualTo(LimitKind.BUDGET);
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    void aRequestTooLargeForTheLimitDoesNotWait() throws Exception {
        Scope scope = Scope.of("key:big", new RateLimit(null, 10L, null));
        long start = System.nanoTime();
        Admission refused = await(limiter.admit(tokens(scope, 11, Duration.ofSeconds(5))));
        assertThat(refused.refusal().orElseThrow().tooLarge()).isTrue();
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
    }

    /** Real time plus an offset the test can move. */
    private static final class ShiftedClock extends Clock {
        private final AtomicLong offset = new AtomicLong();

        void shiftTo(long millis) {
            offset.set(millis - System.currentTimeMillis());
        }

        @Override
        public long millis() {
            return System.currentTimeMillis() + offset.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
