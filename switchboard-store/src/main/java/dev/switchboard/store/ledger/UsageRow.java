package dev.switchboard.store.ledger;

/**
 * Usage of one group (or the totals, whose group is null).
 *
 * @param costUsd sum of the known costs
 * @param estimatedRequests how many of the requests have token counts the gateway estimated (the provider reported none)
 * @param cacheHits how many of the requests were answered from the response cache (no provider called, no cost)
 * @param savedUsd what those cache hits would have cost upstream (sum of the known prices)
 */
public record UsageRow(String group, long requests, long promptTokens, long completionTokens, long cachedTokens,
        long reasoningTokens, double costUsd, long estimatedRequests, long cacheHits, double savedUsd) {

    /** A row without cache hits. */
    public UsageRow(String group, long requests, long promptTokens, long completionTokens, long cachedTokens,
            long reasoningTokens, double costUsd, long estimatedRequests) {
        this(group, requests, promptTokens, completionTokens, cachedTokens, reasoningTokens, costUsd, estimatedRequests,
                0, 0);
    }

    /** A row without estimated counts. */
    public UsageRow(String group, long requests, long promptTokens, long completionTokens, long cachedTokens,
            long reasoningTokens, double costUsd) {
        this(group, requests, promptTokens, completionTokens, cachedTokens, reasoningTokens, costUsd, 0);
    }
}
