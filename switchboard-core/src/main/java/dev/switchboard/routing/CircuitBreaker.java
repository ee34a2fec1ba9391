package dev.switchboard.routing;

/**
 * One target's breaker. Outcomes are counted in one-second buckets over the settings' window, so the error
 * rate forgets old failures without a timer. Thread-safe (calls from every event loop); each method holds the
 * lock for a few field updates only.
 */
public final class CircuitBreaker {
    private static final int BUCKETS = 64;

    private final long[] bucketSecond = new long[BUCKETS];
    private final int[] calls = new int[BUCKETS];
    private final int[] failures = new int[BUCKETS];
    private BreakerState state = BreakerState.CLOSED;
    private int consecutive;
    private long openedAtNanos;
    private int probesInFlight;
    private String reason = "";

    /**
     * Whether a request may go to the target now. In half-open state this takes one of the probe slots, which
     * {@link #onSuccess} or {@link #onFailure} gives back.
     */
    public synchronized boolean tryAcquire(BreakerSettings s, long nowNanos) {
        if (!s.enabled() || state == BreakerState.CLOSED) {
            return true;
        }
        if (state == BreakerState.OPEN) {
            if (nowNanos - openedAtNanos < s.cooldown().toNanos()) {
                return false;
            }
            state = BreakerState.HALF_OPEN;
            probesInFlight = 0;
        }
        if (probesInFlight >= s.halfOpenProbes()) {
            return false;
        }
        probesInFlight++;
        return true;
    }

    /** Would {@link #tryAcquire} let a request through, without taking a probe slot. */
    public synchronized boolean available(BreakerSettings s, long nowNanos) {
        if (!s.enabled() || state == BreakerState.CLOSED) {
            return true;
        }
        if (state == BreakerState.OPEN) {
            return nowNanos - openedAtNanos >= s.cooldown().toNanos();
        }
        return probesInFlight < s.halfOpenProbes();
    }

    public synchronized void onSuccess(BreakerSettings s, long nowNanos) {
        count(nowNanos, s, false);
        consecutive = 0;
        if (state == BreakerState.HALF_OPEN) {
            state = BreakerState.CLOSED; // the probe got through: the target is back
            probesInFlight = 0;
            clearWindow();
        }
    }

    public synchronized void onFailure(BreakerSettings s, long nowNanos, String why) {
        count(nowNanos, s, true);
        consecutive++;
        if (state == BreakerState.HALF_OPEN) {
            open(nowNanos, "probe failed: " + why);
            return;
        }
        if (state == BreakerState.OPEN || !s.enabled()) {
            return;
        }
        if (consecutive >= s.consecutiveFailures()) {
            open(nowNanos, consecutive + " consecutive failures, last: " + why);
            return;
        }
        long second = nowNanos / 1_000_000_000L;
        long windowSeconds = Math.min(BUCKETS, Math.max(1, s.window().toSeconds()));
        int n = 0;
        int f = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (second - bucketSecond[i] < windowSeconds) {
                n += calls[i];
                f += failures[i];
            }
        }
        if (n >= s.minRequests() && f >= s.failureRate() * n) {
            open(nowNanos, f + " of " + n + " calls failed, last: " + why);
        }
    }

    /** A probe that ended without a verdict (e.g. the client went away): its slot is free again. */
    public synchronized void release() {
        if (state == BreakerState.HALF_OPEN && probesInFlight > 0) {
            probesInFlight--;
        }
    }

    /** Opens the breaker from outside, e.g. when active health checks fail. */
    public synchronized void forceOpen(long nowNanos, String why) {
        if (state != BreakerState.OPEN) {
            open(nowNanos, why);
        }
    }

    public synchronized BreakerState state(BreakerSettings s, long nowNanos) {
        if (state == BreakerState.OPEN && nowNanos - openedAtNanos >= s.cooldown().toNanos()) {
            return BreakerState.HALF_OPEN; // the next request will probe
        }
        return state;
    }

    /** Milliseconds until an open breaker lets a probe through (0 when not open). */
    public synchronized long cooldownLeftMillis(BreakerSettings s, long nowNanos) {
        if (state != BreakerState.OPEN) {
            return 0;
        }
        return Math.max(0, (s.cooldown().toNanos() - (nowNanos - openedAtNanos)) / 1_000_000);
    }

    public synchronized String reason() {
        return reason;
    }

    private void open(long nowNanos, String why) {
        state = BreakerState.OPEN;
        openedAtNanos = nowNanos;
        probesInFlight = 0;
        reason = why;
    }

    private void count(long nowNanos, BreakerSettings s, boolean failed) {
        long second = nowNanos / 1_000_000_000L;
        int i = (int) Math.floorMod(second, (long) BUCKETS);
        if (bucketSecond[i] != second) {
            bucketSecond[i] = second;
            calls[i] = 0;
            failures[i] = 0;
        }
        calls[i]++;
        if (failed) {
            failures[i]++;
        }
    }

    private void clearWindow() {
        java.util.Arrays.fill(calls, 0);
        java.util.Arrays.fill(failures, 0);
    }
}
