package dev.switchboard.usage;

import java.time.Instant;

/**
 * What one request consumed, emitted once per request after it ends (success or not). Every text field is made
 * safe to store on creation ({@link LedgerText}: no control characters, at most 256 characters), so no event can
 * carry a value the database refuses.
 *
 * @param requestId the gateway's own id for the request: the ledger's unique key, never a value a client chose
 * @param usageReported false when the upstream never reported usage (e.g. it failed before)
 * @param timeToFirstTokenMillis -1 when not streamed
 * @param team the caller's team, or null
 * @param costUsd the request's cost in USD, or {@link #UNKNOWN_COST} (NaN) when not known
 * @param clientRequestId the caller's own {@code x-request-id}, or null; not unique
 * @param usageEstimated the token counts are the gateway's estimate, not the provider's (which reported none)
 * @param cacheHit the answer was replayed from a cache (a stage's replay), not made by a provider: its cost is 0
 * @param savedUsd what the replayed answer would have cost upstream (its usage at its maker's price), 0 when it was no
 *                 replay, {@link #UNKNOWN_COST} when the maker has no price
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
        double costUsd,
        String clientRequestId,
        boolean usageEstimated,
        boolean cacheHit,
        double savedUsd) {

    public static final double UNKNOWN_COST = Double.NaN;

    public UsageEvent {
        requestId = LedgerText.clean(requestId);
        keyName = LedgerText.clean(keyName);
        operation = LedgerText.clean(operation);
        publicModel = LedgerText.clean(publicModel);
        provider = LedgerText.clean(provider);
        upstreamModel = LedgerText.clean(upstreamModel);
        team = LedgerText.clean(team);
        clientRequestId = LedgerText.clean(clientRequestId);
    }

    /** Not a cache hit. */
    public UsageEvent(Instant at, String requestId, String keyName, String operation, String publicModel,
            String provider, String upstreamModel, boolean stream, int status, Usage usage, boolean usageReported,
            long durationMillis, long timeToFirstTokenMillis, String team, double costUsd, String clientRequestId,
            boolean usageEstimated) {
        this(at, requestId, keyName, operation, publicModel, provider, upstreamModel, stream, status, usage,
                usageReported, durationMillis, timeToFirstTokenMillis, team, costUsd, clientRequestId, usageEstimated,
                false, 0);
    }

    /** Usage as the provider reported it (or none), not estimated. */
    public UsageEvent(Instant at, String requestId, String keyName, String operation, String publicModel,
            String provider, String upstreamModel, boolean stream, int status, Usage usage, boolean usageReported,
            long durationMillis, long timeToFirstTokenMillis, String team, double costUsd, String clientRequestId) {
        this(at, requestId, keyName, operation, publicModel, provider, upstreamModel, stream, status, usage,
                usageReported, durationMillis, timeToFirstTokenMillis, team, costUsd, clientRequestId, false);
    }

    /** Without the caller's own request id. */
    public UsageEvent(Instant at, String requestId, String keyName, String operation, String publicModel,
            String provider, String upstreamModel, boolean stream, int status, Usage usage, boolean usageReported,
            long durationMillis, long timeToFirstTokenMillis, String team, double costUsd) {
        this(at, requestId, keyName, operation, publicModel, provider, upstreamModel, stream, status, usage,
                usageReported, durationMillis, timeToFirstTokenMillis, team, costUsd, null, false);
    }

    /** Without team and cost (cost unknown). */
    public UsageEvent(Instant at, String requestId, String keyName, String operation, String publicModel,
            String provider, String upstreamModel, boolean stream, int status, Usage usage, boolean usageReported,
            long durationMillis, long timeToFirstTokenMillis) {
        this(at, requestId, keyName, operation, publicModel, provider, upstreamModel, stream, status, usage,
                usageReported, durationMillis, timeToFirstTokenMillis, null, UNKNOWN_COST, null, false);
    }

    public boolean costKnown() {
        return !Double.isNaN(costUsd) && costUsd >= 0;
    }

    public boolean savedKnown() {
        return !Double.isNaN(savedUsd) && savedUsd >= 0;
    }
}
