package dev.switchboard.config;

/** A spending cap in USD per UTC day, per UTC calendar month, or in total. */
public record BudgetConfig(double usd, Period period) {
    public enum Period { DAY, MONTH, TOTAL }
}
