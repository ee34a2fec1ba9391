package dev.switchboard.config;

import java.time.Duration;

/**
 * The listener: host, port, largest accepted request body, event-loop count (0 = one per core),
 * whether the access log is written, how long a shutdown waits for requests in flight, and whether model calls take
 * the gateway's own Netty lane (server and upstream side) instead of Vert.x's HTTP server and client; the limits of
 * {@link FrontDoorConfig} on slow or greedy clients; and whether HTTP/2 without TLS (h2c: upgrades and prior
 * knowledge) is served ({@code http2Cleartext}, off by default: see docs/data-plane.md).
 */
public record ServerConfig(String host, int port, long maxBodyBytes, int eventLoops, boolean accessLog, Duration drainTimeout,
                           boolean fastLane, FrontDoorConfig frontDoor, boolean http2Cleartext) {
    public static final long DEFAULT_MAX_BODY = 32L * 1024 * 1024;
    public static final ServerConfig DEFAULTS = new ServerConfig("0.0.0.0", 8080, DEFAULT_MAX_BODY, 0, true, Duration.ofSeconds(30), true);

    /** Without h2c. */
    public ServerConfig(String host, int port, long maxBodyBytes, int eventLoops, boolean accessLog, Duration drainTimeout,
                        boolean fastLane, FrontDoorConfig frontDoor) {
        this(host, port, maxBodyBytes, eventLoops, accessLog, drainTimeout, fastLane, frontDoor, false);
    }

    /** With the default {@link FrontDoorConfig} (timeouts, connection caps, body memory). */
    public ServerConfig(String host, int port, long maxBodyBytes, int eventLoops, boolean accessLog, Duration drainTimeout,
                        boolean fastLane) {
        this(host, port, maxBodyBytes, eventLoops, accessLog, drainTimeout, fastLane, FrontDoorConfig.DEFAULTS);
    }

    public ServerConfig withFrontDoor(FrontDoorConfig f) {
        return new ServerConfig(host, port, maxBodyBytes, eventLoops, accessLog, drainTimeout, fastLane, f, http2Cleartext);
    }
}
