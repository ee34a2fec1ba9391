package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.usage.Usage;

/**
 * Anthropic's token counts, gathered from a message or from a stream's message_start and message_delta
 * (later counts replace earlier ones). Anthropic's {@code input_tokens} excludes cached input, OpenAI's
 * {@code prompt_tokens} includes it, so the prompt is input + cache reads + cache writes.
 */
final class AnthropicUsage {
    private long input;
    private long output;
    private long cacheRead;
    private long cacheCreation;
    /** The 1-hour-TTL part of the cache writes ({@code cache_creation.ephemeral_1h_input_tokens}), dearer than 5-minute. */
    private long cacheCreation1h;
    private boolean reported;

    void merge(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        reported = true;
        input = take(usage, "input_tokens", input);
        output = take(usage, "output_tokens", output);
        cacheRead = take(usage, "cache_read_input_tokens", cacheRead);
        cacheCreation = take(usage, "cache_creation_input_tokens", cacheCreation);
        JsonNode byTtl = usage.get("cache_creation");
        if (byTtl != null && byTtl.isObject()) {
            cacheCreation1h = take(byTtl, "ephemeral_1h_input_tokens", cacheCreation1h);
        }
    }

    private static long take(JsonNode usage, String field, long current) {
        JsonNode n = usage.get(field);
        return n != null && n.isNumber() ? n.asLong() : current;
    }

    /** Whether any usage object was merged, i.e. the provider reported usage at all. */
    boolean reported() {
        return reported;
    }

    long promptTokens() {
        return input + cacheRead + cacheCreation;
    }

    Usage toUsage() {
        long prompt = promptTokens();
        return new Usage(prompt, output, prompt + output, cacheRead, 0, cacheCreation, Math.min(cacheCreation1h, cacheCreation));
    }

    /** OpenAI's usage object; cache writes, which OpenAI has no field for, kept as {@code cache_creation_input_tokens}. */
    ObjectNode toOpenAi() {
        ObjectNode u = JsonNodeFactory.instance.objectNode();
        u.put("prompt_tokens", promptTokens());
        u.put("completion_tokens", output);
        u.put("total_tokens", promptTokens() + output);
        u.putObject("prompt_tokens_details").put("cached_tokens", cacheRead);
        u.put("cache_creation_input_tokens", cacheCreation);
        if (cacheCreation1h > 0) { // 1-hour writes cost more than 5-minute ones: keep the split, in Anthropic's shape
            u.putObject("cache_creation").put("ephemeral_1h_input_tokens", Math.min(cacheCreation1h, cacheCreation));
        }
        return u;
    }
}
