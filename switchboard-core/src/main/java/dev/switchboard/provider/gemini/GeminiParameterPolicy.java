package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ParameterTable;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, before anything is translated, whether every top-level field of the canonical request can be honoured.
 * A field Gemini cannot take is refused by name rather than silently dropped (dropped and reported only under
 * {@code unsupported_params: drop}); a field at its neutral value asks for nothing. {@code parallel_tool_calls}
 * has no Gemini counterpart and is honoured on the answer instead ({@link GeminiTools#firstCallOnly}).
 */
final class GeminiParameterPolicy {
    /** Translated by this package, or asking nothing of the model (user ids, cache hints, stream_options). */
    static final Set<String> TRANSLATED = Set.of(
            "model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "top_k", "stop", "n", "seed", "presence_penalty", "frequency_penalty",
            "tools", "tool_choice", "parallel_tool_calls", "response_format", "reasoning_effort",
            "user", "safety_identifier", "prompt_cache_key");

    /** Fields that ask for nothing when they hold this value. */
    private static final Map<String, String> NEUTRAL = Map.of(
            "logprobs", "false",
            "top_logprobs", "0",
            "store", "false",
            "logit_bias", "{}",
            "metadata", "{}",
            "modalities", "[\"text\"]");

    private static final ParameterTable TABLE = new ParameterTable(TRANSLATED, NEUTRAL);

    private static final Map<String, String> WHY = Map.of(
            "logprobs", "token log probabilities are not available",
            "top_logprobs", "token log probabilities are not available",
            "logit_bias", "token biases cannot be set",
            "functions", "use 'tools' instead of the legacy 'functions'",
            "function_call", "use 'tool_choice' instead of the legacy 'function_call'",
            "store", "completions cannot be stored",
            "metadata", "request metadata is not carried");

    private GeminiParameterPolicy() {}

    /** Refuses the request, naming the first field Gemini cannot take. */
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
        return GeminiRequestErrors.unsupported(name, WHY.get(name));
    }
}
