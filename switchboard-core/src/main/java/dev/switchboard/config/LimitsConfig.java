package dev.switchboard.config;

import java.time.Duration;
import java.util.Map;

/**
 * Limits the config sets beyond each key's and team's own: a default for keys that have none, per model (by
 * public model name), and per key and model. {@code queue}: how long a request may wait for capacity instead of
 * a 429 (zero: no waiting). {@code defaultMaxTokens}: the output reserved for a request that names no max_tokens.
 */
public record LimitsConfig(RateLimitConfig keyDefault, Map<String, RateLimitConfig> perModel,
                           RateLimitConfig perKeyAndModel, Duration queue, long defaultMaxTokens) {
    public static final LimitsConfig NONE = new LimitsConfig(RateLimitConfig.NONE, Map.of(), RateLimitConfig.NONE,
            Duration.ZERO, 4096);
}
