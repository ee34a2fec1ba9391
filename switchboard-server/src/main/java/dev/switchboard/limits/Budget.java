package dev.switchboard.limits;

/** A spend cap in micro-USD per UTC calendar day, UTC calendar month, or for all time. */
public record Budget(long microUsd, Period period) {
    public enum Period { DAY, MONTH, TOTAL }

    public Budget {
        if (microUsd < 0) {
            throw new IllegalArgumentException("budget must not be negative");
        }
        if (period == null) {
            throw new IllegalArgumentException("budget period is required");
        }
    }

    public static Budget usd(double usd, Period period) {
        return new Budget(Math.round(usd * 1_000_000), period);
    }
}
