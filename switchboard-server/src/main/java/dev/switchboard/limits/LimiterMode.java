package dev.switchboard.limits;

/** Where a {@link DegradingLimiter} is currently counting, for metrics. */
public enum LimiterMode {
    /** Shared counters in Redis. */
    REDIS,
    /** Redis is away; per-instance counters (fail-open, approximate). */
    LOCAL_FALLBACK,
    /** Redis is away; every request is refused (fail-closed). */
    CLOSED
}
