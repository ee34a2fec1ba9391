package dev.switchboard.cost;

/**
 * List prices of one model in USD per million tokens. Conveniently, USD per million tokens is also
 * micro-USD per token, which is what {@link CostCalculator} relies on.
 */
public record Price(double inputPerMillion, double outputPerMillion, double cachedInputPerMillion,
                    double cacheWritePerMillion, double reasoningPerMillion) {

    public Price {
        requireNonNegative(inputPerMillion, "input");
        requireNonNegative(outputPerMillion, "output");
        requireNonNegative(cachedInputPerMillion, "cached input");
        requireNonNegative(cacheWritePerMillion, "cache write");
        requireNonNegative(reasoningPerMillion, "reasoning");
    }

    /** Input and output prices; cached input and cache writes cost as input, reasoning as output. */
    public static Price of(double inputPerMillion, double outputPerMillion) {
        return of(inputPerMillion, outputPerMillion, null, null, null);
    }

    /** Prices with defaults for the optional ones (null): cached and cache write = input, reasoning = output. */
    public static Price of(double inputPerMillion, double outputPerMillion, Double cachedInputPerMillion,
                           Double cacheWritePerMillion, Double reasoningPerMillion) {
        return new Price(inputPerMillion, outputPerMillion,
                cachedInputPerMillion != null ? cachedInputPerMillion : inputPerMillion,
                cacheWritePerMillion != null ? cacheWritePerMillion : inputPerMillion,
                reasoningPerMillion != null ? reasoningPerMillion : outputPerMillion);
    }

    private static void requireNonNegative(double value, String what) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " price must be a finite non-negative number, got " + value);
        }
    }
}
