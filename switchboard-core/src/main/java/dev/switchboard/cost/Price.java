package dev.switchboard.cost;

/**
 * List prices of one model in USD per million tokens. Conveniently, USD per million tokens is also
 * micro-USD per token, which is what {@link CostCalculator} relies on. {@code cacheWritePerMillion} is the
 * default (Anthropic: 5-minute) cache write; {@code cacheWrite1hPerMillion} the 1-hour one (Anthropic: 2x input).
 */
public record Price(double inputPerMillion, double outputPerMillion, double cachedInputPerMillion,
                    double cacheWritePerMillion, double reasoningPerMillion, double cacheWrite1hPerMillion) {

    public Price {
        requireNonNegative(inputPerMillion, "input");
        requireNonNegative(outputPerMillion, "output");
        requireNonNegative(cachedInputPerMillion, "cached input");
        requireNonNegative(cacheWritePerMillion, "cache write");
        requireNonNegative(reasoningPerMillion, "reasoning");
        requireNonNegative(cacheWrite1hPerMillion, "1-hour cache write");
    }

    /** Without a separate 1-hour cache-write price (it costs as a default cache write). */
    public Price(double inputPerMillion, double outputPerMillion, double cachedInputPerMillion,
                 double cacheWritePerMillion, double reasoningPerMillion) {
        this(inputPerMillion, outputPerMillion, cachedInputPerMillion, cacheWritePerMillion, reasoningPerMillion,
                cacheWritePerMillion);
    }

    /** Input and output prices; cached input and cache writes cost as input, reasoning as output. */
    public static Price of(double inputPerMillion, double outputPerMillion) {
        return of(inputPerMillion, outputPerMillion, null, null, null);
    }

    /** Prices with defaults for the optional ones (null): cached and cache write = input, reasoning = output. */
    public static Price of(double inputPerMillion, double outputPerMillion, Double cachedInputPerMillion,
                           Double cacheWritePerMillion, Double reasoningPerMillion) {
        return of(inputPerMillion, outputPerMillion, cachedInputPerMillion, cacheWritePerMillion, reasoningPerMillion, null);
    }

    /** As {@link #of(double, double, Double, Double, Double)}, with the 1-hour cache write (default: cache write). */
    public static Price of(double inputPerMillion, double outputPerMillion, Double cachedInputPerMillion,
                           Double cacheWritePerMillion, Double reasoningPerMillion, Double cacheWrite1hPerMillion) {
        double write = cacheWritePerMillion != null ? cacheWritePerMillion : inputPerMillion;
        return new Price(inputPerMillion, outputPerMillion,
                cachedInputPerMillion != null ? cachedInputPerMillion : inputPerMillion,
                write,
                reasoningPerMillion != null ? reasoningPerMillion : outputPerMillion,
                cacheWrite1hPerMillion != null ? cacheWrite1hPerMillion : write);
    }

    private static void requireNonNegative(double value, String what) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " price must be a finite non-negative number, got " + value);
        }
    }
}
