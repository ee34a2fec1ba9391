package dev.switchboard.store.ledger;

/**
 * Usage of one group (or the totals, whose group is null).
 *
 * @param costUsd sum of the known costs
 * @param estimatedRequests how many of the requests have token counts the gateway estimated (the provider reported none)
 */
public record UsageRow(String group, long requests, long promptTokens, long completionTokens, long cachedTokens,
        long reasoningTokens, double costUsd, long estimatedRequests) {

    /** A row without estimated counts. */
    public UsageRow(String group, long requests, long promptTokens, long completionTokens, long cachedTokens,
            long reasoningTokens, double costUsd) {
        this(group, requests, promptTokens, completionTokens, cachedTokens, reasoningTokens, costUsd, 0);
    }
}
