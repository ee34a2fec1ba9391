package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link CountingLimiter} must do; run against local and Redis counters by the subclasses. */
abstract class LimiterContractTest {
    /** 12:00:30 UTC: mid-minute, mid-day, so windows do not roll over by accident. */
    static final Instant NOON = Instant.parse("2026-03-10T12:00:30Z");

    protected MutableClock clock;
    private ExecutorService callers;

    abstract CountingLimiter newLimiter(MutableClock clock);

    /** Makes pending reconciles visible (Redis batches them). */
    abstract void settle(CountingLimiter limiter) throws Exception;

    @BeforeEach
    void startClock() {
        clock = new MutableClock(NOON);
        callers = Executors.newFixedThreadPool(8);
    }

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    static Admission await(Future<Admission> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Fires {@code n} admissions at once from several threads and waits for all answers. */
    List<Admission> concurrently(int n, Supplier<Future<Admission>> call) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<java.util.concurrent.Future<Future<Admission>>> submitted = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            submitted.add(callers.submit(() -> {
                gate.await();
                return call.get();
            }));
        }
        gate.countDown();
        List<Admission> out = new ArrayList<>();
        for (var s : submitted) {
            out.add(await(s.get(10, TimeUnit.SECONDS)));
        }
        return out;
    }

    static long admittedCount(List<Admission> answers) {
        return answers.stream().filter(Admission::admitted).count();
    }

    @Test
    void requestLimitIsExactUnderConcurrentAdmissions() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:a", RateLimit.requestsPerMinute(37))), 10, 0);
        List<Admission> answers = concurrently(200, () -> limiter.admit(req));
        assertThat(admittedCount(answers)).isEqualTo(37);
        Refusal refusal = answers.stream().filter(a -> !a.admitted()).findFirst().orElseThrow().refusal().orElseThrow();
        assertThat(refusal.kind()).isEqualTo(LimitKind.REQUESTS_PER_MINUTE);
        assertThat(refusal.scopeId()).isEqualTo("key:a");
        // 12:00:30 opens a 5 s bucket, counted until 12:01:35
        assertThat(refusal.retryAfterMillis()).isEqualTo(65_000);
        assertThat(refusal.retryAfterSeconds()).isEqualTo(65);
    }

    @Test
    void tokenLimitRefundsOnReconcile() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:t", new RateLimit(null, 1000L, null))), 400, 0);
        Admission first = await(limiter.admit(req));
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        Admission third = await(limiter.admit(req));
        assertThat(third.admitted()).isFalse();
        assertThat(third.refusal().orElseThrow().kind()).isEqualTo(LimitKind.TOKENS_PER_MINUTE);

        first.reservation().reconcile(100, 0);
        first.reservation().reconcile(0, 0); // settling twice is ignored
        settle(limiter);
        Admission again = await(limiter.admit(req));
        assertThat(again.admitted()).isTrue();
        assertThat(again.tokens().orElseThrow().remaining()).isEqualTo(1000 - 100 - 400 - 400);
        assertThat(await(limiter.admit(req)).admitted()).isFalse();
    }

    @Test
    void extraChargeOnReconcileUsesUpTheWindow() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:x", new RateLimit(null, 1000L, null))), 100, 0);
        await(limiter.admit(req)).reservation().reconcile(950, 0);
        settle(limiter);
        assertThat(await(limiter.admit(req)).admitted()).isFalse();
    }

    @Test
    void minuteAndDayWindowsReset() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:d", new RateLimit(2L, null, 1000L))), 300, 0);
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        assertThat(await(limiter.admit(req)).refusal().orElseThrow().kind()).isEqualTo(LimitKind.REQUESTS_PER_MINUTE);

        clock.advance(Duration.ofSeconds(65));
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        Refusal daily = await(limiter.admit(req)).refusal().orElseThrow();
        assertThat(daily.kind()).isEqualTo(LimitKind.TOKENS_PER_DAY);
        // 12:01:35 -> midnight UTC
        assertThat(daily.retryAfterMillis()).isEqualTo(Duration.ofHours(11).plusMinutes(58).plusSeconds(25).toMillis());

        clock.advance(Duration.ofHours(12));
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
    }

    @Test
    void budgetReservationsNeverOvershootAndRefundsLetLaterOnesIn() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        Budget budget = new Budget(10_000, Budget.Period.MONTH);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("team:b", budget)), 500, 300);
        List<Admission> answers = concurrently(200, () -> limiter.admit(req));
        List<Admission> admitted = answers.stream().filter(Admission::admitted).toList();
        assertThat(admitted.size() * 300L).isLessThanOrEqualTo(10_000);
        assertThat(admitted).hasSize(33);
        Refusal refusal = answers.stream().filter(a -> !a.admitted()).findFirst().orElseThrow().refusal().orElseThrow();
        assertThat(refusal.kind()).isEqualTo(LimitKind.BUDGET);
        assertThat(refusal.retryAfterMillis()).isEqualTo(
                Instant.parse("2026-04-01T00:00:00Z").toEpochMilli() - NOON.toEpochMilli());

        admitted.forEach(a -> a.reservation().reconcile(480, 100));
        settle(limiter);
        // 10000 - 33 x 100 = 6700 left: 22 more worst cases of 300
        assertThat(admittedCount(concurrently(200, () -> limiter.admit(req)))).isEqualTo(22);
    }

    @Test
    void totalBudgetRefusalIsNotRetryable() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:tb", new Budget(1000, Budget.Period.TOTAL))), 1, 600);
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        Admission refused = await(limiter.admit(req));
        assertThat(refused.refusal().orElseThrow().retryable()).isFalse();
        assertThat(refused.headers()).doesNotContainKey("retry-after");
        clock.advance(Duration.ofDays(40));
        assertThat(await(limiter.admit(req)).admitted()).isFalse();
    }

    @Test
    void refusalInOneScopeConsumesNothingInTheOthers() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        Scope a = new Scope("key:m", new RateLimit(10L, 10_000L, null), new Budget(1_000_000, Budget.Period.DAY));
        Scope b = Scope.of("key:m|model:openai/gpt-4o", RateLimit.requestsPerMinute(1));
        AdmissionRequest both = AdmissionRequest.of(List.of(a, b), 100, 1000);
        assertThat(await(limiter.admit(both)).admitted()).isTrue();
        for (int i = 0; i < 5; i++) {
            Refusal r = await(limiter.admit(both)).refusal().orElseThrow();
            assertThat(r.scopeId()).isEqualTo(b.id());
        }
        AdmissionRequest onlyA = AdmissionRequest.of(List.of(a), 100, 1000);
        Admission last = null;
        for (int i = 0; i < 9; i++) {
            last = await(limiter.admit(onlyA));
            assertThat(last.admitted()).as("admission %d", i).isTrue();
        }
        assertThat(last.tokens().orElseThrow().remaining()).isEqualTo(10_000 - 10 * 100);
        assertThat(await(limiter.admit(onlyA)).refusal().orElseThrow().kind()).isEqualTo(LimitKind.REQUESTS_PER_MINUTE);
    }

    @Test
    void releaseGivesEverythingBack() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        Scope s = new Scope("key:r", new RateLimit(1L, 100L, null), new Budget(50, Budget.Period.DAY));
        AdmissionRequest req = AdmissionRequest.of(List.of(s), 100, 50);
        Admission first = await(limiter.admit(req));
        assertThat(await(limiter.admit(req)).admitted()).isFalse();
        first.reservation().release();
        settle(limiter);
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
    }

    @Test
    void headersShowTheTightestScope() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        Scope key = Scope.of("key:h", new RateLimit(10L, 1000L, null));
        Scope team = Scope.of("team:h", new RateLimit(5L, null, 100_000L));
        Admission a = await(limiter.admit(AdmissionRequest.of(List.of(key, team), 100, 0)));
        assertThat(a.headers()).containsEntry("x-ratelimit-limit-requests", "5")
                .containsEntry("x-ratelimit-remaining-requests", "4")
                .containsEntry("x-ratelimit-reset-requests", "1m5s")
                .containsEntry("x-ratelimit-limit-tokens", "1000")
                .containsEntry("x-ratelimit-remaining-tokens", "900")
                .containsEntry("x-ratelimit-reset-tokens", "1m5s")
                .doesNotContainKey("retry-after");

        Scope tiny = Scope.of("key:h2", new RateLimit(1L, null, null));
        await(limiter.admit(AdmissionRequest.of(List.of(tiny), 1, 0)));
        Admission refused = await(limiter.admit(AdmissionRequest.of(List.of(tiny), 1, 0)));
        assertThat(refused.headers()).containsEntry("x-ratelimit-remaining-requests", "0")
                .containsEntry("retry-after", "65");
        assertThat(refused.retryAfterSeconds()).isEqualTo(65);
    }

    @Test
    void aKeyCannotPassItsMinuteLimitAcrossTheMinuteBoundary() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:edge", RateLimit.requestsPerMinute(10))), 1, 0);
        clock.advance(Duration.ofSeconds(25)); // 12:00:55, five seconds before the minute turns
        assertThat(admittedCount(concurrently(10, () -> limiter.admit(req)))).isEqualTo(10);
        clock.advance(Duration.ofSeconds(10)); // 12:01:05: a fixed window would start afresh here
        Refusal refusal = await(limiter.admit(req)).refusal().orElseThrow();
        assertThat(refusal.retryAfterMillis()).as("the 12:00:55 bucket drops at 12:02:00").isEqualTo(55_000);
        clock.advance(Duration.ofMillis(54_999));
        assertThat(await(limiter.admit(req)).admitted()).as("12:01:59.999, still inside the minute").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(admittedCount(concurrently(12, () -> limiter.admit(req)))).isEqualTo(10);
    }

    @Test
    void anAdmissionPlannedALittleAheadCountsForThosePlannedJustBefore() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:ahead", RateLimit.requestsPerMinute(2))), 1, 0);
        clock.advance(Duration.ofSeconds(5)); // another thread or replica whose clock reads the next bucket
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        clock.advance(Duration.ofSeconds(-5));
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        assertThat(await(limiter.admit(req)).admitted()).as("the bucket ahead is counted").isFalse();
    }

    @Test
    void roomComesBackBucketByBucket() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:slide", RateLimit.requestsPerMinute(10))), 1, 0);
        for (int i = 0; i < 4; i++) {
            assertThat(await(limiter.admit(req)).admitted()).isTrue();
        }
        clock.advance(Duration.ofSeconds(20)); // 12:00:50
        for (int i = 0; i < 6; i++) {
            assertThat(await(limiter.admit(req)).admitted()).isTrue();
        }
        Refusal refusal = await(limiter.admit(req)).refusal().orElseThrow();
        assertThat(refusal.retryAfterMillis()).as("the first four drop at 12:01:35").isEqualTo(45_000);
        clock.advance(Duration.ofSeconds(45));
        assertThat(admittedCount(concurrently(8, () -> limiter.admit(req)))).isEqualTo(4);
    }

    @Test
    void tokensReserveWhatIsLeftWhenTheRequiredPartFits() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        Scope s = Scope.of("key:part", new RateLimit(null, 1000L, null));
        AdmissionRequest req = AdmissionRequest.of(List.of(s), 800, 100, 0, 0);
        Admission first = await(limiter.admit(req));
        assertThat(first.tokens().orElseThrow().remaining()).isEqualTo(200);
        Admission second = await(limiter.admit(req));
        assertThat(second.admitted()).as("200 left hold the 100 required").isTrue();
        assertThat(second.tokens().orElseThrow().remaining()).isZero();
        Refusal refusal = await(limiter.admit(req)).refusal().orElseThrow();
        assertThat(refusal.kind()).isEqualTo(LimitKind.TOKENS_PER_MINUTE);
        assertThat(refusal.retryable()).isTrue();
        assertThat(refusal.tooLarge()).isFalse();

        second.reservation().reconcile(30, 0); // 170 of the 200 come back
        settle(limiter);
        Admission third = await(limiter.admit(req));
        assertThat(third.admitted()).isTrue();
        assertThat(third.tokens().orElseThrow().remaining()).isZero();
        third.reservation().reconcile(20, 0);
        first.reservation().reconcile(900, 0); // more than reserved: charged
        settle(limiter);
        assertThat(await(limiter.admit(AdmissionRequest.of(List.of(s), 51, 51, 0, 0))).admitted()).isFalse();
        assertThat(await(limiter.admit(AdmissionRequest.of(List.of(s), 50, 50, 0, 0))).admitted()).isTrue();
    }

    @Test
    void aRequestWhoseInputAloneExceedsTheLimitIsTooLargeAndTouchesNothing() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        Scope s = new Scope("key:big", new RateLimit(5L, 1000L, null), new Budget(1000, Budget.Period.DAY));
        Refusal tokens = await(limiter.admit(AdmissionRequest.of(List.of(s), 5000, 1001, 10, 10))).refusal().orElseThrow();
        assertThat(tokens.tooLarge()).isTrue();
        assertThat(tokens.retryable()).isFalse();
        assertThat(tokens.kind()).isEqualTo(LimitKind.TOKENS_PER_MINUTE);
        Refusal money = await(limiter.admit(AdmissionRequest.of(List.of(s), 10, 10, 5000, 1001))).refusal().orElseThrow();
        assertThat(money.tooLarge()).isTrue();
        assertThat(money.kind()).isEqualTo(LimitKind.BUDGET);
        Admission fits = await(limiter.admit(AdmissionRequest.of(List.of(s), 5000, 1000, 5000, 1000)));
        assertThat(fits.requests().orElseThrow().remaining()).as("the refusals counted no request").isEqualTo(4);
        assertThat(fits.tokens().orElseThrow().remaining()).isZero();
    }

    @Test
    void aStreamsExtraStepsAreRefundedNewestFirstAndDropWithTheirBuckets() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        Scope s = Scope.of("key:ext", new RateLimit(null, 1000L, null));
        Admission a = await(limiter.admit(AdmissionRequest.of(List.of(s), 100, 0)));
        clock.advance(Duration.ofSeconds(10)); // 12:00:40, the next bucket but one
        assertThat(a.reservation().extend(300, 0).toCompletionStage().toCompletableFuture().get()).isTrue();
        a.reservation().reconcile(150, 0); // 100 stay in the 12:00:30 bucket, 50 in the 12:00:40 one
        settle(limiter);
        clock.advance(Duration.ofSeconds(55)); // 12:01:35: the first bucket is gone, the second stays
        assertThat(await(limiter.admit(AdmissionRequest.of(List.of(s), 950, 0))).admitted()).isTrue();
    }

    @Test
    void requestLargerThanTheLimitIsNotRetryable() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        Admission a = await(limiter.admit(
                AdmissionRequest.of(List.of(Scope.of("key:big", new RateLimit(null, 100L, null))), 500, 0)));
        assertThat(a.refusal().orElseThrow().retryable()).isFalse();
    }

    @Test
    void streamsCanExtendTheirReservationUntilTheBudgetIsSpent() throws Exception {
        CountingLimiter limiter = newLimiter(clock);
        Scope s = new Scope("key:ext", new RateLimit(null, 10_000L, null), new Budget(1000, Budget.Period.DAY));
        Admission a = await(limiter.admit(AdmissionRequest.of(List.of(s), 100, 400)));
        Reservation r = a.reservation();
        assertThat(r.extend(50, 500).toCompletionStage().toCompletableFuture().get()).isTrue();
        assertThat(r.extend(50, 200).toCompletionStage().toCompletableFuture().get()).isFalse();
        // actual 300 replaces the 900 held: 700 left
        r.reconcile(120, 300);
        settle(limiter);
        assertThat(r.extend(1, 1).toCompletionStage().toCompletableFuture().get()).isFalse();
        Admission next = await(limiter.admit(AdmissionRequest.of(List.of(s), 100, 700)));
        assertThat(next.admitted()).isTrue();
        assertThat(next.tokens().orElseThrow().remaining()).isEqualTo(10_000 - 120 - 100);
        assertThat(await(limiter.admit(AdmissionRequest.of(List.of(s), 100, 1))).refusal().orElseThrow().kind())
                .isEqualTo(LimitKind.BUDGET);
    }
}
