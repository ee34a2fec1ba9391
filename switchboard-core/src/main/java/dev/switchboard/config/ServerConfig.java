package dev.switchboard.config;

import java.time.Duration;

/**
 * The listener: host, port, largest accepted request body, event-loop count (0 = one per core),
 * whether the access log is written, and how long a shutdown waits for requests in flight.
 */
public record ServerConfig(String host, int port, long maxBodyBytes, int eventLoops, boolean accessLog, Duration drainTimeout) {
    public static final long DEFAULT_MAX_BODY = 32L * 1024 * 1024;
    public static final ServerConfig DEFAULTS = new ServerConfig("0.0.0.0", 8080, DEFAULT_MAX_BODY, 0, true, Duration.ofSeconds(30));
}
