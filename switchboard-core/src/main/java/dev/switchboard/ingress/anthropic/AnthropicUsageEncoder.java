package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;

/**
 * Canonical usage as Anthropic's: OpenAI's {@code prompt_tokens} includes cached input while Anthropic's
 * {@code input_tokens} does not, so cache reads ({@code cached_tokens}) and cache writes (the extension
 * {@code cache_creation_input_tokens} the Anthropic upstream reports) are taken out of it.
 */
final class AnthropicUsageEncoder {
    private AnthropicUsageEncoder() {}

    static ObjectNode encode(JsonNode usage) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        long prompt = usage == null ? 0 : usage.path("prompt_tokens").asLong(0);
        long completion = usage == null ? 0 : usage.path("completion_tokens").asLong(0);
        long cacheRead = usage == null ? 0 : usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        long cacheWrite = usage == null ? 0 : usage.path("cache_creation_input_tokens").asLong(0);
        out.put("input_tokens", Math.max(0, prompt - cacheRead - cacheWrite));
        out.put("cache_creation_input_tokens", cacheWrite);
        out.put("cache_read_input_tokens", cacheRead);
        out.put("output_tokens", completion);
        return out;
    }
}
