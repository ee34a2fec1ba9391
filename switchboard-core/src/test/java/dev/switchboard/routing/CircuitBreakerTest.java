package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The breaker driven by synthetic clock readings: no sleeping, every transition at a known instant. */
class CircuitBreakerTest {
    private static final long SECOND = 1_000_000_000L;
    /** Far from zero, so the empty buckets' second 0 is outside every window. */
    private static final long T0 = 10_000 * SECOND;

    private final CircuitBreaker breaker = new CircuitBreaker();

    private static BreakerSettings settings(int consecutive, double rate, int minRequests, int windowSeconds,
                                            int cooldownSeconds, int probes) {
        return new BreakerSettings(true, consecutive, rate, minRequests, Duration.ofSeconds(windowSeconds),
                Duration.ofSeconds(cooldownSeconds), probes);
    }

    /** Opens on 3 failures in a row; the rate rule is out of reach. */
    private static final BreakerSettings CONSECUTIVE = settings(3, 1.0, 1000, 30, 10, 1);

    @Test
    void opensAfterConsecutiveFailures() {
        breaker.onFailure(CONSECUTIVE, T0, "502");
        breaker.onFailure(CONSECUTIVE, T0 + 1, "502");
        assertThat(breaker.state(CONSECUTIVE, T0 + 2)).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.tryAcquire(CONSECUTIVE, T0 + 2)).isTrue();
        breaker.onFailure(CONSECUTIVE, T0 + 3, "timeout");
        assertThat(breaker.state(CONSECUTIVE, T0 + 4)).isEqualTo(BreakerState.OPEN);
        assertThat(breaker.tryAcquire(CONSECUTIVE, T0 + 4)).isFalse();
        assertThat(breaker.available(CONSECUTIVE, T0 + 4)).isFalse();
        assertThat(breaker.reason()).isEqualTo("3 consecutive failures, last: timeout");
    }

    @Test
    void aSuccessResetsTheConsecutiveCount() {
        breaker.onFailure(CONSECUTIVE, T0, "x");
        breaker.onFailure(CONSECUTIVE, T0, "x");
        breaker.onSuccess(CONSECUTIVE, T0);
        breaker.onFailure(CONSECUTIVE, T0, "x");
        breaker.onFailure(CONSECUTIVE, T0, "x");
        assertThat(breaker.state(CONSECUTIVE, T0)).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void opensOnFailureRateOnlyOnceMinRequestsAreSeenInTheWindow() {
        // half failing opens it, but only with 10 calls in the last 10 seconds
        BreakerSettings s = settings(1000, 0.5, 10, 10, 30, 1);
        for (int i = 0; i < 4; i++) {
            breaker.onSuccess(s, T0 + i * SECOND);
        }
        for (int i = 4; i < 9; i++) {
            breaker.onFailure(s, T0 + i * SECOND, "500");
        }
        // 9 calls, 5 failed: a high rate but too few calls to judge
        assertThat(breaker.state(s, T0 + 9 * SECOND)).isEqualTo(BreakerState.CLOSED);
        breaker.onFailure(s, T0 + 9 * SECOND, "500");
        assertThat(breaker.state(s, T0 + 9 * SECOND)).isEqualTo(BreakerState.OPEN);
        assertThat(breaker.reason()).isEqualTo("6 of 10 calls failed, last: 500");
    }

    @Test
    void staysClosedBelowTheRate() {
        BreakerSettings s = settings(1000, 0.5, 10, 10, 30, 1);
        for (int i = 0; i < 20; i++) {
            long now = T0 + i * (SECOND / 4);
            if (i % 3 == 0) {
                breaker.onFailure(s, now, "500"); // a third fail
            } else {
                breaker.onSuccess(s, now);
            }
        }
        assertThat(breaker.state(s, T0 + 5 * SECOND)).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void failuresSpreadBeyondTheWindowAreForgotten() {
        BreakerSettings s = settings(1000, 0.5, 3, 10, 30, 1);
        for (int i = 0; i < 30; i++) {
            breaker.onFailure(s, T0 + i * 11 * SECOND, "500"); // one failure every 11 s: never 3 in 10 s
        }
        assertThat(breaker.state(s, T0 + 400 * SECOND)).isEqualTo(BreakerState.CLOSED);

        // the same three failures within the window do open it
        CircuitBreaker other = new CircuitBreaker();
        for (int i = 0; i < 3; i++) {
            other.onFailure(s, T0 + i * 4 * SECOND, "500");
        }
        assertThat(other.state(s, T0 + 8 * SECOND)).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void openRefusesUntilTheCooldownThenAdmitsExactlyTheProbes() {
        BreakerSettings s = settings(1, 1.0, 1000, 30, 10, 2);
        breaker.onFailure(s, T0, "boom");
        assertThat(breaker.tryAcquire(s, T0 + 10 * SECOND - 1)).isFalse();
        assertThat(breaker.cooldownLeftMillis(s, T0 + 4 * SECOND)).isEqualTo(6000);
        assertThat(breaker.state(s, T0 + 10 * SECOND - 1)).isEqualTo(BreakerState.OPEN);
        assertThat(breaker.state(s, T0 + 10 * SECOND)).isEqualTo(BreakerState.HALF_OPEN);
        assertThat(breaker.available(s, T0 + 10 * SECOND)).isTrue();
        assertThat(breaker.cooldownLeftMillis(s, T0 + 10 * SECOND)).isZero();

        long later = T0 + 10 * SECOND;
        assertThat(breaker.tryAcquire(s, later)).isTrue();
        assertThat(breaker.tryAcquire(s, later)).isTrue();
        assertThat(breaker.tryAcquire(s, later)).as("only two probes at a time").isFalse();
        assertThat(breaker.available(s, later)).isFalse();
        assertThat(breaker.state(s, later)).isEqualTo(BreakerState.HALF_OPEN);
        assertThat(breaker.cooldownLeftMillis(s, later)).isZero();
    }

    @Test
    void aProbeSuccessClosesTheBreakerWithAFreshWindow() {
        BreakerSettings s = settings(1000, 0.5, 4, 30, 10, 1);
        for (int i = 0; i < 4; i++) {
            breaker.onFailure(s, T0, "500");
        }
        assertThat(breaker.state(s, T0)).isEqualTo(BreakerState.OPEN);
        long probe = T0 + 10 * SECOND;
        assertThat(breaker.tryAcquire(s, probe)).isTrue();
        breaker.onSuccess(s, probe);
        assertThat(breaker.state(s, probe)).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.tryAcquire(s, probe)).isTrue();
        assertThat(breaker.tryAcquire(s, probe)).isTrue();
        // the four old failures are still inside the 30 s window, but closing forgot them
        breaker.onFailure(s, probe + SECOND, "500");
        breaker.onFailure(s, probe + SECOND, "500");
        assertThat(breaker.state(s, probe + SECOND)).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void aProbeFailureReopensWithAFreshCooldown() {
        BreakerSettings s = settings(1, 1.0, 1000, 30, 10, 1);
        breaker.onFailure(s, T0, "first");
        long probe = T0 + 12 * SECOND;
        assertThat(breaker.tryAcquire(s, probe)).isTrue();
        breaker.onFailure(s, probe, "still down");
        assertThat(breaker.state(s, probe)).isEqualTo(BreakerState.OPEN);
        assertThat(breaker.reason()).isEqualTo("probe failed: still down");
        assertThat(breaker.cooldownLeftMillis(s, probe + SECOND)).isEqualTo(9000);
        assertThat(breaker.tryAcquire(s, probe + 9 * SECOND)).isFalse();
        assertThat(breaker.tryAcquire(s, probe + 10 * SECOND)).isTrue();
    }

    @Test
    void releaseFreesAProbeSlot() {
        BreakerSettings s = settings(1, 1.0, 1000, 30, 10, 1);
        breaker.onFailure(s, T0, "x");
        long probe = T0 + 10 * SECOND;
        assertThat(breaker.tryAcquire(s, probe)).isTrue();
        assertThat(breaker.tryAcquire(s, probe)).isFalse();
        breaker.release();
        assertThat(breaker.state(s, probe)).isEqualTo(BreakerState.HALF_OPEN);
        assertThat(breaker.tryAcquire(s, probe)).isTrue();
        assertThat(breaker.tryAcquire(s, probe)).isFalse();
    }

    @Test
    void releaseOnAClosedBreakerChangesNothing() {
        breaker.release();
        assertThat(breaker.state(CONSECUTIVE, T0)).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.tryAcquire(CONSECUTIVE, T0)).isTrue();
    }

    @Test
    void forceOpenOpensAtOnceAndDoesNotRestartARunningCooldown() {
        BreakerSettings s = settings(5, 0.5, 20, 30, 10, 1);
        breaker.forceOpen(T0, "health check failed");
        assertThat(breaker.state(s, T0)).isEqualTo(BreakerState.OPEN);
        assertThat(breaker.reason()).isEqualTo("health check failed");
        assertThat(breaker.tryAcquire(s, T0 + SECOND)).isFalse();
        breaker.forceOpen(T0 + 5 * SECOND, "again");
        assertThat(breaker.cooldownLeftMillis(s, T0 + 5 * SECOND)).isEqualTo(5000);
        assertThat(breaker.reason()).isEqualTo("health check failed");
        assertThat(breaker.tryAcquire(s, T0 + 10 * SECOND)).isTrue();
    }

    @Test
    void aClosedBreakerHasNoCooldown() {
        assertThat(breaker.cooldownLeftMillis(CONSECUTIVE, T0)).isZero();
        assertThat(breaker.state(CONSECUTIVE, T0)).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.reason()).isEmpty();
    }

    @Test
    void disabledSettingsAlwaysAdmit() {
        BreakerSettings off = new BreakerSettings(false, 1, 0.01, 1, Duration.ofSeconds(30), Duration.ofSeconds(30), 1);
        for (int i = 0; i < 50; i++) {
            breaker.onFailure(off, T0 + i, "500");
        }
        assertThat(breaker.state(off, T0 + SECOND)).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.tryAcquire(off, T0 + SECOND)).isTrue();
        assertThat(breaker.available(off, T0 + SECOND)).isTrue();
        // even a breaker forced open admits while the breaker is switched off
        breaker.forceOpen(T0 + SECOND, "health");
        assertThat(breaker.tryAcquire(off, T0 + SECOND)).isTrue();
        assertThat(breaker.available(off, T0 + SECOND)).isTrue();
    }

    @Test
    void stateGaugesAndLabels() {
        assertThat(BreakerState.CLOSED.gauge()).isZero();
        assertThat(BreakerState.OPEN.gauge()).isEqualTo(1);
        assertThat(BreakerState.HALF_OPEN.gauge()).isEqualTo(2);
        assertThat(BreakerState.HALF_OPEN.label()).isEqualTo("half_open");
    }
}
