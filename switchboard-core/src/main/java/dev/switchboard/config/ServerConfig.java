package dev.switchboard.config;

/**
 * The listener: host, port, largest accepted request body, event-loop count (0 = one per core),
 * and whether the access log is written.
 */
public record ServerConfig(String host, int port, long maxBodyBytes, int eventLoops, boolean accessLog) {
    public static final long DEFAULT_MAX_BODY = 32L * 1024 * 1024;
    public static final ServerConfig DEFAULTS = new ServerConfig("0.0.0.0", 8080, DEFAULT_MAX_BODY, 0, true);
}
