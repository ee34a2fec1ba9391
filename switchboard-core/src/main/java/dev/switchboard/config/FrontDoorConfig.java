package dev.switchboard.config;

import java.time.Duration;

/**
 * What the listener allows a client before and while it sends a request: how long a request head may take, how long
 * a body may stall between chunks, how long an idle keep-alive connection stays open, how many connections in all and
 * per peer address, and how many bytes of request bodies still arriving may be held in all and per peer.
 * {@code bodyMemory} 0 means a quarter of the JVM's direct-memory limit; {@code bodyMemoryPerPeer} 0 means four
 * times {@code server.max_body}.
 */
public record FrontDoorConfig(Duration headTimeout, Duration bodyTimeout, Duration keepAliveTimeout, int maxConnections,
                              int maxConnectionsPerPeer, long bodyMemory, long bodyMemoryPerPeer) {
    public static final FrontDoorConfig DEFAULTS = new FrontDoorConfig(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), 10_000, 1_000, 0, 0);
}
