package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Backoff with jitter, Retry-After honoured up to its cap, and which failures are retried at all. */
class RetryPolicyTest {
    private static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1),
            Duration.ofSeconds(10), RetryPolicy.DEFAULT_ON);

    @Test
    void delaysDoubleWithJitterWithinHalfToFullCeiling() {
        long[] ceilings = {100, 200, 400, 800, 1000, 1000};
        for (int retry = 1; retry <= ceilings.length; retry++) {
            long ceiling = ceilings[retry - 1];
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < 500; i++) {
                long d = POLICY.delayMillis(retry, null);
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            assertThat(min).as("retry %d", retry).isGreaterThanOrEqualTo(ceiling / 2);
            assertThat(max).as("retry %d", retry).isLessThanOrEqualTo(ceiling);
            assertThat(max).as("retry %d is jittered", retry).isGreaterThan(min);
        }
    }

    @Test
    void aLateRetryNeverExceedsMaxBackoff() {
        for (int retry : new int[] {10, 21, 40, 63, 64, 1000}) {
            for (int i = 0; i < 50; i++) {
                assertThat(POLICY.delayMillis(retry, null)).as("retry %d", retry).isBetween(500L, 1000L);
            }
        }
    }

    @Test
    void retryAfterSecondsIsHonoured() {
        assertThat(POLICY.delayMillis(1, "2")).isEqualTo(2000);
        assertThat(POLICY.delayMillis(3, " 7 ")).isEqualTo(7000);
        assertThat(POLICY.delayMillis(1, "0")).isZero();
    }

    @Test
    void fractionalRetryAfterIsHonoured() {
        assertThat(POLICY.delayMillis(1, "1.5")).isEqualTo(1500);
        assertThat(POLICY.delayMillis(1, "0.0004")).isEqualTo(1); // rounded up, never to zero
    }

    @Test
    void anHttpDateRetryAfterIsHonoured() {
        String in6s = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(6));
        // the date has whole seconds and the clock moves on: somewhere in the last 6 seconds before it
        assertThat(POLICY.delayMillis(1, in6s)).isBetween(3000L, 6000L);
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(1));
        assertThat(POLICY.delayMillis(1, past)).isZero();
    }

    @Test
    void aRetryAfterBeyondTheCapGivesUp() {
        assertThat(POLICY.delayMillis(1, "10")).isEqualTo(10_000);
        assertThat(POLICY.delayMillis(1, "10.001")).isEqualTo(-1);
        assertThat(POLICY.delayMillis(1, "3600")).isEqualTo(-1);
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(1));
        assertThat(POLICY.delayMillis(1, inAMinute)).isEqualTo(-1);
    }

    @Test
    void anUnreadableRetryAfterFallsBackToBackoff() {
        assertThat(POLICY.delayMillis(1, "soon")).isBetween(50L, 100L);
        assertThat(POLICY.delayMillis(2, "-5")).isBetween(100L, 200L);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  ", "soon", "-1", "NaN", "1s", "Wed, 32 Oct 2026 07:28:00 GMT", "2026-10-21T07:28:00Z"})
    void garbageRetryAfterIsMinusOne(String value) {
        assertThat(RetryAfter.millis(value)).isEqualTo(-1);
    }

    @Test
    void retryAfterParsesSecondsFractionsAndDates() {
        assertThat(RetryAfter.millis("30")).isEqualTo(30_000);
        assertThat(RetryAfter.millis("0.25")).isEqualTo(250);
        assertThat(RetryAfter.millis("Thu, 01 Jan 1970 00:00:00 GMT")).isZero();
    }

    @Test
    void retriesOnlyTheConfiguredFailures() {
        RetryPolicy p = new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10),
                EnumSet.of(RetryOn.CONNECT, RetryOn.RATE_LIMITED));
        assertThat(p.retries(FailureClass.CONNECT)).isTrue();
        assertThat(p.retries(FailureClass.RATE_LIMITED)).isTrue();
        assertThat(p.retries(FailureClass.TIMEOUT)).isFalse();
        assertThat(p.retries(FailureClass.SERVER_ERROR)).isFalse();
        assertThat(p.on()).containsExactlyInAnyOrder(RetryOn.CONNECT, RetryOn.RATE_LIMITED);
    }

    @Test
    void theDefaultRetriesEveryTransientFailureButNoRefusal() {
        for (FailureClass f : FailureClass.values()) {
            boolean transient_ = f == FailureClass.CONNECT || f == FailureClass.TIMEOUT
                    || f == FailureClass.SERVER_ERROR || f == FailureClass.RATE_LIMITED;
            assertThat(POLICY.retries(f)).as(f.name()).isEqualTo(transient_);
        }
    }

    @Test
    void anEmptyOnSetRetriesNothing() {
        RetryPolicy p = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10), Set.of());
        for (FailureClass f : FailureClass.values()) {
            assertThat(p.retries(f)).as(f.name()).isFalse();
        }
    }
}
