package dev.switchboard.store.repository;

import java.math.BigDecimal;
import java.util.Objects;

/** A spending cap in USD over a period. */
public record Budget(BigDecimal amountUsd, Period period) {
    public enum Period { DAY, MONTH, TOTAL }

    public Budget {
        Objects.requireNonNull(amountUsd, "amountUsd");
        Objects.requireNonNull(period, "period");
        if (amountUsd.signum() < 0) {
            throw new IllegalArgumentException("budget must not be negative");
        }
    }
}
