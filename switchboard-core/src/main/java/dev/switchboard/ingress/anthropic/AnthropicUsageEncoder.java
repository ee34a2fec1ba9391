package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import dev.switchboard.stream.StreamEvent;
import dev.switchboard.usage.Usage;

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

    /**
     * A stream's usage, written as {@link #encode} writes it. Cache writes count only where the provider reports them
     * (its canonical usage names them), as when the canonical usage object was read.
     */
    static void write(StringBuilder sb, StreamEvent.UsageReported reported) {
        Usage u = reported.usage();
        long cacheWrite = reported.cacheWrites() ? u.cacheWriteTokens() : 0;
        write(sb, Math.max(0, u.promptTokens() - u.cachedTokens() - cacheWrite), cacheWrite, u.cachedTokens(),
                u.completionTokens());
    }

    static void write(StringBuilder sb, long input, long cacheWrite, long cacheRead, long output) {
        sb.append("{\"input_tokens\":").append(input).append(",\"cache_creation_input_tokens\":").append(cacheWrite)
                .append(",\"cache_read_input_tokens\":").append(cacheRead).append(",\"output_tokens\":").append(output)
                .append('}');
    }

    /** Whether the usage counted the prompt (some servers report zeros before the end). */
    static boolean countsPrompt(StreamEvent.UsageReported reported) {
        Usage u = reported.usage();
        long cacheWrite = reported.cacheWrites() ? u.cacheWriteTokens() : 0;
        return u.promptTokens() - u.cachedTokens() - cacheWrite > 0 || u.cachedTokens() > 0 || cacheWrite > 0;
    }
}
