package dev.switchboard.limits;

import java.time.Duration;

/**
 * Redis limiter settings: key prefix, and how reconciles are batched (sent when {@code reconcileBatchSize}
 * are waiting or {@code reconcileDelay} after the first one, whichever comes first).
 */
public record RedisLimiterSettings(String keyPrefix, Duration reconcileDelay, int reconcileBatchSize) {
    public RedisLimiterSettings {
        keyPrefix = keyPrefix == null ? "sb:" : keyPrefix;
        reconcileDelay = reconcileDelay == null || reconcileDelay.toMillis() < 1 ? Duration.ofMillis(20) : reconcileDelay;
        reconcileBatchSize = reconcileBatchSize < 1 ? 100 : reconcileBatchSize;
    }

    public static RedisLimiterSettings defaults() {
        return new RedisLimiterSettings("sb:", Duration.ofMillis(20), 100);
    }
}
