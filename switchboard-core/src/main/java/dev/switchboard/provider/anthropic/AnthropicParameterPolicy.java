package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ParameterTable;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, before anything is translated, whether every top-level field of the canonical request can be honoured.
 * A field Anthropic cannot take is refused by name rather than silently dropped (it is dropped and reported only under
 * {@code unsupported_params: drop}), so a client never gets an answer to a
 * different question than it asked; a field at its neutral value (n=1, logprobs=false, a zero penalty) asks
 * for nothing and passes.
 */
final class AnthropicParameterPolicy {
    /** Translated by this package (or consumed by the gateway itself, like stream_options). */
    static final Set<String> TRANSLATED = Set.of(
            "model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "stop", "user", "safety_identifier", "tools", "tool_choice",
            "parallel_tool_calls", "response_format", "reasoning_effort",
            // Anthropic-native extensions of the canonical request, passed through
            "thinking", "top_k",
            // a cache-routing hint; Anthropic caches by cache_control markers, so it asks for nothing here
            "prompt_cache_key");

    /** Fields that ask for nothing when they hold this value. */
    private static final Map<String, String> NEUTRAL = Map.of(
            "n", "1",
            "logprobs", "false",
            "top_logprobs", "0",
            "presence_penalty", "0",
            "frequency_penalty", "0",
            "store", "false",
            "logit_bias", "{}",
            "metadata", "{}",
            "modalities", "[\"text\"]");

    private static final ParameterTable TABLE = new ParameterTable(TRANSLATED, NEUTRAL);

    private static final Map<String, String> WHY = Map.of(
            "n", "only one choice can be generated per request",
            "logprobs", "token log probabilities are not available",
            "top_logprobs", "token log probabilities are not available",
            "seed", "sampling cannot be seeded",
            "functions", "use 'tools' instead of the legacy 'functions'",
            "function_call", "use 'tool_choice' instead of the legacy 'function_call'",
            "metadata", "only 'user' is carried (as metadata.user_id)");

    private AnthropicParameterPolicy() {}

    /** Refuses the request, naming the first field Anthropic cannot take. */
    static void check(JsonNode body) {
        List<String> found = unsupported(body);
        if (!found.isEmpty()) {
            throw refusal(found.getFirst());
        }
    }

    /** The top-level fields this dialect cannot take, in request order; neutral values are not listed. */
    static List<String> unsupported(JsonNode body) {
        return TABLE.unsupported(body);
    }

    static GatewayException refusal(String name) {
        return AnthropicRequestErrors.unsupported(name, WHY.get(name));
    }
}
