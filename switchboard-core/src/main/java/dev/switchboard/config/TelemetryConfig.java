package dev.switchboard.config;

import dev.switchboard.secret.Secret;

/**
 * Who may read {@code /metrics} and {@code /health/providers}: a bearer token (null: none asked) and a separate
 * listener (host null: served on the main listener). With a listener, the main listener answers 404 for both.
 */
public record TelemetryConfig(Secret token, String host, int port) {
    public static final TelemetryConfig NONE = new TelemetryConfig(null, null, -1);

    public boolean ownListener() {
        return host != null;
    }
}
