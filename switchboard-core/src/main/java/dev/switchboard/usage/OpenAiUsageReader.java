package dev.switchboard.usage;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads OpenAI's {@code usage} object, including cached and reasoning token details. */
public final class OpenAiUsageReader {
    private OpenAiUsageReader() {}

    /** The usage, or null when the node is absent or null. */
    public static Usage read(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        long prompt = usage.path("prompt_tokens").asLong(0);
        long completion = usage.path("completion_tokens").asLong(0);
        long total = usage.has("total_tokens") ? usage.path("total_tokens").asLong(0) : prompt + completion;
        long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        long reasoning = usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0);
        // not OpenAI's: the gateway's own field for Anthropic cache writes (and its 1-hour part), priced apart
        long writes = usage.path("cache_creation_input_tokens").asLong(0);
        long writes1h = usage.path("cache_creation").path("ephemeral_1h_input_tokens").asLong(0);
        return new Usage(prompt, completion, total, cached, reasoning, writes, writes1h);
    }
}
