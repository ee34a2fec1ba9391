package dev.switchboard.store;

/**
 * Usage of one group (or the totals, whose group is null).
 *
 * @param costUsd sum of the known costs
 */
public record UsageRow(String group, long requests, long promptTokens, long completionTokens, long cachedTokens,
        long reasoningTokens, double costUsd) {}
