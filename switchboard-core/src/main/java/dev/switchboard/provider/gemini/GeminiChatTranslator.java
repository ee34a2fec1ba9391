package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalogue.AuthStyle;
import dev.switchboard.credentials.GoogleServiceAccount;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.CanonicalJson;
import dev.switchboard.provider.ParameterGate;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamModelName;
import dev.switchboard.provider.UpstreamRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the Gemini request for a canonical chat request: {@code POST {base}/models/{model}:generateContent}, or
 * {@code :streamGenerateContent?alt=sse} when streaming (the model is in the URL, not the body). Every top-level
 * field is translated or refused by name ({@link GeminiParameterPolicy}; dropped instead under {@code unsupported_params: drop}). The key is added by the credentials axis ({@code dev.switchboard.credentials})
 * from the catalogue entry ({@code x-goog-api-key}). Pure; the client's request is not mutated. Thread-safe.
 */
public final class GeminiChatTranslator {
    /** reasoning_effort as a thinking budget in tokens. */
    private static final Map<String, Integer> THINKING_BUDGET = Map.of(
            "none", 0, "minimal", 0, "low", 1024, "medium", 8192, "high", 24576);

    private GeminiChatTranslator() {}

    public static UpstreamRequest toUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel) {
        if (req.operation() != Operation.CHAT) {
            throw new GatewayException(ErrorKind.INVALID_REQUEST,
                    "Provider '" + p.name() + "' (Gemini) serves chat completions and embeddings, not " + req.operation().path() + ".");
        }
        ParameterGate.Gated in = ParameterGate.apply(req.body(), GeminiParameterPolicy.unsupported(req.body()),
                p.unsupportedParams(), GeminiParameterPolicy::refusal);
        byte[] body = write(body(in.body()));
        return new UpstreamRequest("POST", url(base(p), upstreamModel, req.stream()), headers(p), body, in.dropped());
    }

    static String url(String base, String model, boolean stream) {
        String m = model.startsWith("models/") ? model.substring("models/".length()) : model;
        return base(base) + "/models/" + UpstreamModelName.pathSegment(m) + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    }

    /**
     * The provider's base URL; for a Vertex AI provider (auth google-service-account) its {@code {project}} is the service
     * account's project, e.g. {@code https://{region}-aiplatform.googleapis.com/v1/projects/{project}/locations/{region}/publishers/google}.
     */
    static String base(ProviderEndpoint p) {
        String b = p.type().auth() == AuthStyle.GOOGLE_SERVICE_ACCOUNT ? GoogleServiceAccount.of(p.apiKey().value()).expand(p.baseUrl()) : p.baseUrl();
        return base(b);
    }

    /** The base URL without a trailing slash. */
    static String base(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    static ObjectNode body(JsonNode in) {
        GeminiParameterPolicy.check(in);
        GeminiContents.Converted conv = GeminiContents.convert(in.get("messages"));
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("contents", conv.contents());
        if (conv.systemInstruction() != null) {
            out.set("systemInstruction", conv.systemInstruction());
        }
        GeminiTools.apply(in, out);
        ObjectNode config = generationConfig(in);
        if (!config.isEmpty()) {
            out.set("generationConfig", config);
        }
        return out;
    }

    private static ObjectNode generationConfig(JsonNode in) {
        ObjectNode c = Json.MAPPER.createObjectNode();
        copyNumber(in, "temperature", c, "temperature");
        copyNumber(in, "top_p", c, "topP");
        copyInt(in, "top_k", c, "topK");
        copyInt(in, "max_tokens", c, "maxOutputTokens");
        copyInt(in, "max_completion_tokens", c, "maxOutputTokens"); // the newer name wins
        copyInt(in, "n", c, "candidateCount");
        copyInt(in, "seed", c, "seed");
        copyNumber(in, "presence_penalty", c, "presencePenalty");
        copyNumber(in, "frequency_penalty", c, "frequencyPenalty");
        ArrayNode seqs = CanonicalJson.stopSequences(in.get("stop"));
        if (!seqs.isEmpty()) {
            c.set("stopSequences", seqs);
        }
        responseFormat(in.get("response_format"), c);
        JsonNode effort = in.get("reasoning_effort");
        if (effort != null && !effort.isNull()) {
            Integer budget = effort.isTextual() ? THINKING_BUDGET.get(effort.asText()) : null;
            if (budget == null) {
                throw GeminiRequestErrors.invalid("reasoning_effort",
                        "'reasoning_effort' must be one of none, minimal, low, medium, high.");
            }
            c.putObject("thinkingConfig").put("thinkingBudget", budget);
        }
        return c;
    }

    /** json_schema → JSON output constrained by the schema (passed through as responseJsonSchema); json_object → JSON. */
    private static void responseFormat(JsonNode rf, ObjectNode c) {
        if (rf == null || rf.isNull()) {
            return;
        }
        switch (rf.path("type").asText("")) {
            case "text" -> { }
            case "json_object" -> c.put("responseMimeType", "application/json");
            case "json_schema" -> {
                JsonNode schema = rf.path("json_schema").path("schema");
                if (!schema.isObject()) {
                    throw GeminiRequestErrors.missing("response_format.json_schema.schema");
                }
                c.put("responseMimeType", "application/json");
                c.set("responseJsonSchema", schema);
            }
            default -> throw GeminiRequestErrors.invalid("response_format",
                    "Unknown response_format type '" + rf.path("type").asText() + "'.");
        }
    }

    private static void copyNumber(JsonNode in, String param, ObjectNode c, String field) {
        JsonNode n = in.get(param);
        if (n == null || n.isNull()) {
            return;
        }
        if (!n.isNumber()) {
            throw GeminiRequestErrors.invalid(param, "'" + param + "' must be a number.");
        }
        c.set(field, n);
    }

    private static void copyInt(JsonNode in, String param, ObjectNode c, String field) {
        JsonNode n = in.get(param);
        if (n == null || n.isNull()) {
            return;
        }
        if (!n.isIntegralNumber()) {
            throw GeminiRequestErrors.invalid(param, "'" + param + "' must be an integer.");
        }
        c.set(field, n);
    }

    private static Map<String, String> headers(ProviderEndpoint p) {
        Map<String, String> h = new LinkedHashMap<>(p.headers());
        h.put("Content-Type", "application/json");
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
