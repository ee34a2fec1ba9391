package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.CanonicalJson;
import dev.switchboard.provider.ParameterGate;
import dev.switchboard.provider.ParameterTable;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the Bedrock request for a canonical chat request: {@code POST {base}/model/{modelId}/converse}, or
 * {@code /converse-stream} when streaming (the model id, URL-encoded, is in the path). Fields Converse cannot take
 * are refused by name (or dropped under {@code unsupported_params: drop}). Unsigned: the catalogue's {@code auth: sigv4}
 * signs it once it is final ({@code dev.switchboard.credentials.SigV4Credential}). Pure; the client's request is not
 * mutated. Thread-safe.
 */
public final class BedrockChatTranslator {
    private static final Set<String> TRANSLATED = Set.of("model", "messages", "stream", "stream_options", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "stop", "tools", "tool_choice", "user",
            "safety_identifier", "prompt_cache_key", "parallel_tool_calls", "response_format");
    private static final ParameterTable PARAMETERS = new ParameterTable(TRANSLATED,
            Map.of("n", "1", "logprobs", "false", "store", "false"));

    private BedrockChatTranslator() {}

    public static UpstreamRequest toUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel) {
        if (req.operation() != Operation.CHAT) {
            throw new GatewayException(ErrorKind.INVALID_REQUEST,
                    "Provider '" + p.name() + "' (Bedrock) serves chat completions only, not " + req.operation().path() + ".");
        }
        ParameterGate.Gated in = ParameterGate.apply(req.body(), unsupported(req.body()),
                p.unsupportedParams(), BedrockRequestErrors::unsupported);
        byte[] body = write(body(in.body()));
        String url = url(p.baseUrl(), upstreamModel, req.stream());
        Map<String, String> headers = new LinkedHashMap<>(p.headers());
        headers.put("Content-Type", "application/json");
        headers.put("Accept", req.stream() ? "application/vnd.amazon.eventstream" : "application/json");
        return new UpstreamRequest("POST", url, headers, body, in.dropped());
    }

    static String url(String base, String model, boolean stream) {
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        // one segment: an ARN's '/' and ':' become %2F and %3A (and are encoded again for the canonical URI)
        return b + "/model/" + dev.switchboard.provider.UpstreamModelName.pathSegment(model) + (stream ? "/converse-stream" : "/converse");
    }

    /** The top-level fields Converse cannot take, in request order; neutral values are not listed. */
    static List<String> unsupported(JsonNode in) {
        return PARAMETERS.unsupported(in);
    }

    static ObjectNode body(JsonNode in) {
        List<String> found = unsupported(in);
        if (!found.isEmpty()) {
            throw BedrockRequestErrors.unsupported(found.getFirst());
        }
        BedrockMessages.Converted conv = BedrockMessages.convert(in.get("messages"));
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("messages", conv.messages());
        if (!conv.system().isEmpty()) {
            out.set("system", conv.system());
        }
        ObjectNode config = Json.MAPPER.createObjectNode();
        integer(in, "max_tokens", config);
        integer(in, "max_completion_tokens", config); // the newer name wins
        number(in, "temperature", config, "temperature");
        number(in, "top_p", config, "topP");
        ArrayNode seqs = CanonicalJson.stopSequences(in.get("stop"));
        if (!seqs.isEmpty()) {
            config.set("stopSequences", seqs);
        }
        if (!config.isEmpty()) {
            out.set("inferenceConfig", config);
        }
        BedrockTools.apply(in, out, conv.messages().toString().contains("\"toolUse\""));
        return out;
    }

    private static void integer(JsonNode in, String param, ObjectNode c) {
        JsonNode n = in.get(param);
        if (n == null || n.isNull()) {
            return;
        }
        if (!n.isIntegralNumber()) {
            throw BedrockRequestErrors.invalid(param, "'" + param + "' must be an integer.");
        }
        c.set("maxTokens", n);
    }

    private static void number(JsonNode in, String param, ObjectNode c, String field) {
        JsonNode n = in.get(param);
        if (n == null || n.isNull()) {
            return;
        }
        if (!n.isNumber()) {
            throw BedrockRequestErrors.invalid(param, "'" + param + "' must be a number.");
        }
        c.set(field, n);
    }

    private static byte[] write(ObjectNode body) {
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
