package dev.switchboard.config;

import java.time.Duration;
import java.util.Map;

/**
 * Limits the config sets beyond each key's and team's own: a default for keys that have none, per model (by
 * public model name), and per key and model. {@code queue}: how long a request may wait for capacity instead of
 * a 429 (zero: no waiting). {@code defaultMaxTokens}: a model's output cap when a request names no max_tokens (the
 * most a learned output estimate may reach). {@code expectedOutputTokens}: the output admission reserves per choice
 * for a model before any answer of it has been seen (then a running estimate of its real output takes over).
 */
public record LimitsConfig(RateLimitConfig keyDefault, Map<String, RateLimitConfig> perModel,
                           RateLimitConfig perKeyAndModel, Duration queue, long defaultMaxTokens,
                           long expectedOutputTokens) {
    public static final long DEFAULT_EXPECTED_OUTPUT_TOKENS = 256;
    public static final LimitsConfig NONE = new LimitsConfig(RateLimitConfig.NONE, Map.of(), RateLimitConfig.NONE,
            Duration.ZERO, 4096, DEFAULT_EXPECTED_OUTPUT_TOKENS);
}
