package dev.switchboard.cost;

import dev.switchboard.usage.Usage;

/**
 * Cost of token usage in micro-USD (whole numbers, so counters can be incremented atomically in Redis).
 * USD per million tokens equals micro-USD per token, so a cost is a plain sum of tokens x price.
 */
public final class CostCalculator {
    private CostCalculator() {
    }

    /** Cost of a response's usage, cache writes (5-minute and 1-hour) as the usage reports them. */
    public static long microUsd(Price price, Usage usage) {
        return microUsd(price, usage, usage.cacheWriteTokens());
    }

    /**
     * Cost of a response's usage. {@link Usage} counts cached input inside the prompt and reasoning inside
     * the completion, so those parts are taken out of the plain input/output before pricing them apart.
     * {@code cacheWriteTokens} (Anthropic's cache_creation_input_tokens, also inside the prompt) overrides the
     * usage's own count; the usage's 1-hour part of it is priced at the 1-hour cache-write price.
     */
    public static long microUsd(Price price, Usage usage, long cacheWriteTokens) {
        long cached = clamp(usage.cachedTokens(), usage.promptTokens());
        long writes = clamp(cacheWriteTokens, usage.promptTokens() - cached);
        long writes1h = clamp(usage.cacheWrite1hTokens(), writes);
        long plainInput = usage.promptTokens() - cached - writes;
        long reasoning = clamp(usage.reasoningTokens(), usage.completionTokens());
        long plainOutput = usage.completionTokens() - reasoning;
        double micro = plainInput * price.inputPerMillion()
                + cached * price.cachedInputPerMillion()
                + (writes - writes1h) * price.cacheWritePerMillion()
                + writes1h * price.cacheWrite1hPerMillion()
                + plainOutput * price.outputPerMillion()
                + reasoning * price.reasoningPerMillion();
        return roundUp(micro);
    }

    /**
     * The most a request may cost before it runs: every input token at the dearest of the input and
     * cache-write prices, and every allowed output token at the dearer of the output and reasoning prices.
     */
    public static long worstCaseMicroUsd(Price price, long inputTokens, long maxOutputTokens) {
        double inputPrice = Math.max(price.inputPerMillion(),
                Math.max(price.cacheWritePerMillion(), price.cacheWrite1hPerMillion()));
        double micro = Math.max(0, inputTokens) * inputPrice
                + Math.max(0, maxOutputTokens) * Math.max(price.outputPerMillion(), price.reasoningPerMillion());
        return roundUp(micro);
    }

    /** Micro-USD as USD, for display. */
    public static double usd(long microUsd) {
        return microUsd / 1_000_000.0;
    }

    private static long clamp(long part, long whole) {
        return Math.max(0, Math.min(part, Math.max(0, whole)));
    }

    // Rounds up so a charge is never under the true cost; the epsilon absorbs binary noise in prices like 0.075.
    private static long roundUp(double micro) {
        return (long) Math.ceil(micro - 1e-6);
    }
}
