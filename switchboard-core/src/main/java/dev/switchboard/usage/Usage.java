package dev.switchboard.usage;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Token counts of one response; {@code cachedTokens} (cache reads) and {@code reasoningTokens} are parts of prompt and
 * completion. {@code cacheWriteTokens} (Anthropic's cache_creation_input_tokens, Bedrock's cacheWriteInputTokens) are
 * part of the prompt too, and {@code cacheWrite1hTokens} the part of them written with a 1-hour TTL.
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens, long reasoningTokens,
                    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long cacheWriteTokens,
                    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long cacheWrite1hTokens) {
    public static final Usage NONE = new Usage(0, 0, 0, 0, 0);

    /** Usage without cache writes. */
    public Usage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens, long reasoningTokens) {
        this(promptTokens, completionTokens, totalTokens, cachedTokens, reasoningTokens, 0, 0);
    }
}
