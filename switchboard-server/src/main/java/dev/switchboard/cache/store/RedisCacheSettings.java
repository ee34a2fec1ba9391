package dev.switchboard.cache.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How the Redis store talks to Redis.
 *
 * @param keyPrefix     every key the store writes starts with it (e.g. {@code sb:cache:}), so the cache shares a Redis
 *                      with the limiter or other users and purging everything touches only its own keys
 * @param timeout       how long a read or write may take before it counts as a miss or a skipped write: short, since
 *                      a slow cache must cost a request little more than no cache
 * @param maxEntryBytes the largest stored answer written
 * @param poolSize      connections to Redis
 */
public record RedisCacheSettings(String keyPrefix, Duration timeout, int maxEntryBytes, int poolSize) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(50);

    public RedisCacheSettings {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.toMillis() < 1 || maxEntryBytes < 1 || poolSize < 1) {
            throw new IllegalArgumentException("timeout, entry size and pool size must be positive");
        }
    }

    /** The defaults for {@code keyPrefix}: a 50 ms timeout, entries up to 1 MiB, 16 connections. */
    public static RedisCacheSettings defaults(String keyPrefix) {
        return new RedisCacheSettings(keyPrefix, DEFAULT_TIMEOUT, 1024 * 1024, 16);
    }
}
