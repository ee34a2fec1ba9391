package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.usage.Usage;

/**
 * Converse {@code usage}: inputTokens excludes the prompt cache, so prompt_tokens (which includes it, as OpenAI
 * counts) is input + cacheReadInputTokens + cacheWriteInputTokens; cached_tokens is the cache reads.
 */
final class BedrockUsage {
    private long input;
    private long output;
    private long cacheRead;
    private long cacheWrite;
    private boolean reported;

    void merge(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        reported = true;
        input = usage.path("inputTokens").asLong(input);
        output = usage.path("outputTokens").asLong(output);
        cacheRead = usage.path("cacheReadInputTokens").asLong(cacheRead);
        cacheWrite = usage.path("cacheWriteInputTokens").asLong(cacheWrite);
    }

    boolean reported() {
        return reported;
    }

    private long prompt() {
        return input + cacheRead + cacheWrite;
    }

    Usage toUsage() {
        return new Usage(prompt(), output, prompt() + output, cacheRead, 0, cacheWrite, 0);
    }

    ObjectNode toOpenAi() {
        ObjectNode u = JsonNodeFactory.instance.objectNode();
        u.put("prompt_tokens", prompt());
        u.put("completion_tokens", output);
        u.put("total_tokens", prompt() + output);
        u.putObject("prompt_tokens_details").put("cached_tokens", cacheRead);
        return u;
    }
}
