package dev.switchboard.routing;

import java.time.Duration;

/**
 * When a target's breaker opens: after {@code consecutiveFailures} failures in a row, or when at least
 * {@code minRequests} calls in the last {@code window} failed at {@code failureRate} or more. It stays open for
 * {@code cooldown}, then lets {@code halfOpenProbes} requests through; their success closes it.
 */
public record BreakerSettings(boolean enabled, int consecutiveFailures, double failureRate, int minRequests,
                              Duration window, Duration cooldown, int halfOpenProbes) {
    public static final BreakerSettings DEFAULTS = new BreakerSettings(true, 5, 0.5, 20, Duration.ofSeconds(30),
            Duration.ofSeconds(30), 1);
}
