package dev.switchboard.limits;

import java.time.Duration;

/**
 * How a {@link DegradingLimiter} behaves without Redis: {@code failOpen} counts locally, otherwise it
 * refuses. A Redis call slower than {@code callTimeout} counts as a failure; while degraded Redis is
 * pinged every {@code probeInterval}.
 */
public record DegradingSettings(boolean failOpen, Duration callTimeout, Duration probeInterval) {
    public DegradingSettings {
        callTimeout = callTimeout == null ? Duration.ofMillis(75) : callTimeout;
        probeInterval = probeInterval == null ? Duration.ofSeconds(1) : probeInterval;
    }

    public static DegradingSettings openOnFailure() {
        return new DegradingSettings(true, Duration.ofMillis(75), Duration.ofSeconds(1));
    }

    public static DegradingSettings closedOnFailure() {
        return new DegradingSettings(false, Duration.ofMillis(75), Duration.ofSeconds(1));
    }
}
