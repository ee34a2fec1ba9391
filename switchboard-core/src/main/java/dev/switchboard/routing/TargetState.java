package dev.switchboard.routing;

/** The live state of one target (provider and upstream model): its breaker and its statistics. */
public record TargetState(String key, String provider, CircuitBreaker breaker, TargetStats stats) {
    public TargetState(String key, String provider) {
        this(key, provider, new CircuitBreaker(), new TargetStats());
    }
}
