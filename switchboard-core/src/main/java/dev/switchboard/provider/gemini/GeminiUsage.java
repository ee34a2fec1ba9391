package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.usage.Usage;

/**
 * Gemini's {@code usageMetadata}: {@code promptTokenCount} includes cached content (as OpenAI's prompt_tokens
 * does); thinking is billed as output, so completion = candidates + thoughts. Later reports replace earlier ones.
 */
final class GeminiUsage {
    private long prompt;
    private long candidates;
    private long thoughts;
    private long cached;
    private boolean reported;

    void merge(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        reported = true;
        prompt = usage.path("promptTokenCount").asLong(prompt);
        candidates = usage.path("candidatesTokenCount").asLong(candidates);
        thoughts = usage.path("thoughtsTokenCount").asLong(thoughts);
        cached = usage.path("cachedContentTokenCount").asLong(cached);
    }

    boolean reported() {
        return reported;
    }

    private long completion() {
        return candidates + thoughts;
    }

    Usage toUsage() {
        return new Usage(prompt, completion(), prompt + completion(), cached, thoughts);
    }

    ObjectNode toOpenAi() {
        ObjectNode u = JsonNodeFactory.instance.objectNode();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion());
        u.put("total_tokens", prompt + completion());
        u.putObject("prompt_tokens_details").put("cached_tokens", cached);
        u.putObject("completion_tokens_details").put("reasoning_tokens", thoughts);
        return u;
    }
}
