package dev.switchboard.routing;

/** A circuit breaker's state, with the number exported as a metric. */
public enum BreakerState {
    CLOSED(0), OPEN(1), HALF_OPEN(2);

    private final int gauge;

    BreakerState(int gauge) {
        this.gauge = gauge;
    }

    public int gauge() {
        return gauge;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
