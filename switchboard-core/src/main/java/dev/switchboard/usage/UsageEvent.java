package dev.switchboard.usage;

import java.time.Instant;

/**
 * What one request consumed, emitted once per request after it ends (success or not).
 *
 * @param usageReported false when the upstream never reported usage (e.g. it failed before)
 * @param timeToFirstTokenMillis -1 when not streamed
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
        long timeToFirstTokenMillis) {}
