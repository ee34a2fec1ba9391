package dev.switchboard.routing;

/**
 * The live state of one target (provider and upstream model): its breaker and its statistics. {@code configured}
 * when the config names the target (a route, an alias or a provider's declared model): only those are named in
 * metrics and health reports, and only their state is kept for good (see {@link TargetRegistry}).
 */
public record TargetState(String key, String provider, CircuitBreaker breaker, TargetStats stats, boolean configured) {
    public TargetState(String key, String provider) {
        this(key, provider, new CircuitBreaker(), new TargetStats(), false);
    }

    /** The same breaker and statistics, (un)marked as configured. */
    TargetState configured(boolean yes) {
        return yes == configured ? this : new TargetState(key, provider, breaker, stats, yes);
    }
}
