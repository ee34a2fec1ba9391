package dev.switchboard.limits;

import java.time.Duration;

/**
 * How a {@link DegradingLimiter} behaves without Redis: {@code failOpen} counts locally, otherwise it
 * refuses. A Redis call slower than {@code callTimeout} counts as a failure (measured from when it is sent on a
 * connection, not while it waits for one); while degraded Redis is pinged about every {@code probeInterval}.
 */
public record DegradingSettings(boolean failOpen, Duration callTimeout, Duration probeInterval) {
    /**
     * Call timeouts an admission may wait in all, queued and sent, before it is given up as a timeout: past a batch's
     * own bounds (for a connection, then for its answer) behind one batch ahead of it, so it only ends one stuck.
     */
    static final int BACKSTOP_TIMEOUTS = 12;

    public DegradingSettings {
        callTimeout = callTimeout == null ? Duration.ofMillis(75) : callTimeout;
        probeInterval = probeInterval == null ? Duration.ofSeconds(1) : probeInterval;
    }

    /** Ends an admission still waiting (queued behind batches, or for a connection) when Redis's answer is not timed. */
    public Duration backstop() {
        return callTimeout.multipliedBy(BACKSTOP_TIMEOUTS);
    }

    public static DegradingSettings openOnFailure() {
        return new DegradingSettings(true, Duration.ofMillis(75), Duration.ofSeconds(1));
    }

    public static DegradingSettings closedOnFailure() {
        return new DegradingSettings(false, Duration.ofMillis(75), Duration.ofSeconds(1));
    }
}
