package dev.switchboard.usage;

import java.time.Instant;

/**
 * What one request consumed, emitted once per request after it ends (success or not).
 *
 * @param usageReported false when the upstream never reported usage (e.g. it failed before)
 * @param timeToFirstTokenMillis -1 when not streamed
 * @param team the caller's team, or null
 * @param costUsd the request's cost in USD, or {@link #UNKNOWN_COST} (NaN) when not known
 */
public record UsageEvent(
        Instant at,
        String requestId,
        String keyName,
        String operation,
        String publicModel,
        String provider,
        String upstreamModel,
        boolean stream,
        int status,
        Usage usage,
        boolean usageReported,
        long durationMillis,
        long timeToFirstTokenMillis,
        String team,
        double costUsd) {

    public static final double UNKNOWN_COST = Double.NaN;

    /** Without team and cost (cost unknown). */
    public UsageEvent(Instant at, String requestId, String keyName, String operation, String publicModel,
            String provider, String upstreamModel, boolean stream, int status, Usage usage, boolean usageReported,
            long durationMillis, long timeToFirstTokenMillis) {
        this(at, requestId, keyName, operation, publicModel, provider, upstreamModel, stream, status, usage,
                usageReported, durationMillis, timeToFirstTokenMillis, null, UNKNOWN_COST);
    }

    public boolean costKnown() {
        return !Double.isNaN(costUsd) && costUsd >= 0;
    }
}
