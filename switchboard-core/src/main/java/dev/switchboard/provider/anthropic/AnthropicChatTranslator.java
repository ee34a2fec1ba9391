package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ParameterGate;
import dev.switchboard.provider.CanonicalJson;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the Anthropic Messages request ({@code POST {base}/messages}) for a canonical chat request.
 * Every top-level field is either translated or refused by name (see {@link AnthropicParameterPolicy}),
 * or dropped when the provider says {@code unsupported_params: drop} ({@link ParameterGate}).
 * The credential is added by the credentials axis ({@code dev.switchboard.credentials}) from the catalogue entry ({@code x-api-key}).
 * Pure: no I/O; the client's request is not mutated. Thread-safe.
 */
public final class AnthropicChatTranslator {
    /** {@code max_tokens} is required by Anthropic; this is sent when the client gives no limit. */
    public static final int DEFAULT_MAX_TOKENS = 4096;
    /** The API version this translator is written against, unless the provider config names another. */
    public static final String DEFAULT_VERSION = "2023-06-01";

    private AnthropicChatTranslator() {}

    public static UpstreamRequest toUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel) {
        return toUpstream(req, p, upstreamModel, DEFAULT_MAX_TOKENS);
    }

    /** @param defaultMaxTokens the output limit when the client sets none (thinking budgets come on top) */
    public static UpstreamRequest toUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel, int defaultMaxTokens) {
        if (req.operation() != Operation.CHAT) {
            throw new GatewayException(ErrorKind.INVALID_REQUEST,
                    "Provider '" + p.name() + "' (Anthropic) serves chat completions only, not " + req.operation().path() + ".");
        }
        ParameterGate.Gated in = ParameterGate.apply(req.body(), AnthropicParameterPolicy.unsupported(req.body()),
                p.unsupportedParams(), AnthropicParameterPolicy::refusal);
        byte[] body = write(body(in.body(), upstreamModel, req.stream(), defaultMaxTokens));
        return new UpstreamRequest("POST", p.baseUrl() + "/messages", headers(p), body, in.dropped());
    }

    static ObjectNode body(JsonNode in, String upstreamModel, boolean stream, int defaultMaxTokens) {
        AnthropicParameterPolicy.check(in);
        AnthropicThinking.Plan plan = AnthropicThinking.plan(in, defaultMaxTokens);
        AnthropicMessageConverter.Converted conv = AnthropicMessageConverter.convert(in.get("messages"));

        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("model", upstreamModel);
        out.put("max_tokens", plan.maxTokens());
        if (conv.system() != null) {
            out.set("system", conv.system());
        }
        out.set("messages", conv.messages());
        if (plan.thinking() != null) {
            out.set("thinking", plan.thinking());
        }
        AnthropicToolTranslator.apply(in, out, plan.enabled());
        ArrayNode seqs = CanonicalJson.stopSequences(in.get("stop"));
        if (!seqs.isEmpty()) {
            out.set("stop_sequences", seqs);
        }
        sampling(in, out);
        userId(in, out);
        if (stream) {
            out.put("stream", true);
        }
        return out;
    }

    private static void sampling(JsonNode in, ObjectNode out) {
        JsonNode temperature = number(in, "temperature");
        if (temperature != null) {
            // OpenAI allows up to 2; Anthropic up to 1. Rescaling would change what the caller asked for.
            if (temperature.asDouble() < 0 || temperature.asDouble() > 1) {
                throw AnthropicRequestErrors.invalid("temperature",
                        "'temperature' must be between 0 and 1 for Anthropic models, got " + temperature + ".");
            }
            out.set("temperature", temperature);
        }
        JsonNode topP = number(in, "top_p");
        if (topP != null) {
            out.set("top_p", topP);
        }
        JsonNode topK = in.get("top_k");
        if (topK != null && !topK.isNull()) {
            if (!topK.isIntegralNumber()) {
                throw AnthropicRequestErrors.invalid("top_k", "'top_k' must be an integer.");
            }
            out.set("top_k", topK);
        }
    }

    /** OpenAI's end-user id ({@code safety_identifier}, or the older {@code user}) is Anthropic's metadata.user_id. */
    private static void userId(JsonNode in, ObjectNode out) {
        String param = in.hasNonNull("safety_identifier") ? "safety_identifier" : "user";
        JsonNode user = in.get(param);
        if (user == null || user.isNull()) {
            return;
        }
        if (!user.isTextual()) {
            throw AnthropicRequestErrors.invalid(param, "'" + param + "' must be a string.");
        }
        out.putObject("metadata").put("user_id", user.asText());
    }

    private static JsonNode number(JsonNode in, String param) {
        JsonNode n = in.get(param);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw AnthropicRequestErrors.invalid(param, "'" + param + "' must be a number.");
        }
        return n;
    }

    /** The provider's headers, JSON, and the API version unless the config sets its own anthropic-version. */
    private static Map<String, String> headers(ProviderEndpoint p) {
        Map<String, String> h = new LinkedHashMap<>(p.headers());
        h.put("Content-Type", "application/json");
        boolean hasVersion = h.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("anthropic-version"));
        if (!hasVersion) {
            h.put("anthropic-version", p.apiVersion() != null ? p.apiVersion() : DEFAULT_VERSION);
        }
        return h;
    }

    private static byte[] write(ObjectNode body) {
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
