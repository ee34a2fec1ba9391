package dev.switchboard.config;

import java.time.Duration;

/**
 * An active health check of one provider: {@code models} asks for the model list (cheap, no tokens), {@code chat}
 * sends a one-token completion to {@code model}. After {@code unhealthyAfter} failures in a row the provider's
 * breakers open.
 */
public record HealthCheckConfig(Duration interval, Duration timeout, Kind kind, String model, int unhealthyAfter) {
    public enum Kind { MODELS, CHAT }
}
