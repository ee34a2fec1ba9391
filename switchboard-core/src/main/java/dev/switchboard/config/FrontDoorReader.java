package dev.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** Reads the {@link FrontDoorConfig} settings that sit directly under {@code server:}. */
final class FrontDoorReader {
    static final Set<String> KEYS = Set.of("head_timeout", "body_timeout", "keep_alive_timeout", "max_connections",
            "max_connections_per_peer", "body_memory", "body_memory_per_peer");

    private FrontDoorReader() {}

    /** The other {@code server:} keys plus these. */
    static Set<String> plus(Set<String> others) {
        java.util.Set<String> all = new java.util.HashSet<>(others);
        all.addAll(KEYS);
        return Set.copyOf(all);
    }

    static FrontDoorConfig read(JsonNode n, Reader r) {
        FrontDoorConfig d = FrontDoorConfig.DEFAULTS;
        return new FrontDoorConfig(
                r.duration(n, "head_timeout", "server", d.headTimeout()),
                r.duration(n, "body_timeout", "server", d.bodyTimeout()),
                r.duration(n, "keep_alive_timeout", "server", d.keepAliveTimeout()),
                r.integer(n, "max_connections", "server", d.maxConnections(), 1, Integer.MAX_VALUE),
                r.integer(n, "max_connections_per_peer", "server", d.maxConnectionsPerPeer(), 1, Integer.MAX_VALUE),
                size(n, "body_memory", r, d.bodyMemory()),
                size(n, "body_memory_per_peer", r, d.bodyMemoryPerPeer()));
    }

    private static long size(JsonNode n, String field, Reader r, long fallback) {
        String text = r.scalarText(n, field, "server");
        if (text == null) {
            return fallback;
        }
        long v = Units.size(text);
        if (v <= 0) {
            r.problems.add("server." + field, "expected a size such as 256MiB, got '" + text + "'");
            return fallback;
        }
        return v;
    }
}
