package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.usage.Usage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI embeddings on Gemini: {@code POST {base}/models/{model}:batchEmbedContents} with one request per input
 * item ({@code dimensions} → {@code outputDimensionality}), and the answer {@code {"embeddings":[{"values":[…]}]}}
 * back as OpenAI's embeddings list, as floats or, for {@code encoding_format: base64}, as the base64 of the
 * little-endian float32 array (what OpenAI sends). Gemini accepts text only: token-array inputs are refused.
 * Pure and thread-safe.
 */
final class GeminiEmbeddings {
    /** The OpenAI embeddings parameters; {@code user} (an end-user id) has no Gemini counterpart and is dropped. */
    private static final Set<String> KNOWN = Set.of("model", "input", "encoding_format", "dimensions", "user");

    private GeminiEmbeddings() {}

    static UpstreamRequest toUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel) {
        JsonNode in = req.body();
        for (Iterator<String> it = in.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!KNOWN.contains(f)) {
                throw GeminiRequestErrors.unsupported(f, null);
            }
        }
        encodingFormat(in);
        JsonNode dims = in.get("dimensions");
        if (dims != null && !dims.isNull() && (!dims.isIntegralNumber() || dims.asLong() < 1)) {
            throw GeminiRequestErrors.invalid("dimensions", "'dimensions' must be a positive integer.");
        }
        String model = "models/" + stripModels(upstreamModel);
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode requests = body.putArray("requests");
        JsonNode input = in.get("input");
        if (input.isTextual()) {
            requests.add(one(model, input.asText(), dims));
        } else {
            if (input.isEmpty()) {
                throw GeminiRequestErrors.invalid("input", "'input' must not be empty.");
            }
            for (int i = 0; i < input.size(); i++) {
                JsonNode item = input.get(i);
                if (!item.isTextual()) {
                    throw GeminiRequestErrors.invalid("input",
                            "Gemini embeds text only: 'input' must be a string or an array of strings (input[" + i + "] is not).");
                }
                requests.add(one(model, item.asText(), dims));
            }
        }
        Map<String, String> headers = new LinkedHashMap<>(p.headers());
        headers.put("Content-Type", "application/json");
        return new UpstreamRequest("POST", GeminiChatTranslator.base(p) + "/models/"
                + dev.switchboard.provider.UpstreamModelName.pathSegment(stripModels(upstreamModel))
                + ":batchEmbedContents", headers, write(body));
    }

    private static ObjectNode one(String model, String text, JsonNode dims) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("model", model);
        r.putObject("content").putArray("parts").addObject().put("text", text);
        if (dims != null && !dims.isNull()) {
            r.put("outputDimensionality", dims.asInt());
        }
        return r;
    }

    private static boolean encodingFormat(JsonNode in) {
        JsonNode f = in.get("encoding_format");
        if (f == null || f.isNull()) {
            return false;
        }
        return switch (f.isTextual() ? f.asText() : "") {
            case "float" -> false;
            case "base64" -> true;
            default -> throw GeminiRequestErrors.invalid("encoding_format", "'encoding_format' must be float or base64.");
        };
    }

    static ChatAdapter.Answer fromUpstream(ModelRequest req, String upstreamModel, byte[] body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, "Gemini sent an embeddings answer that is not JSON.");
        }
        JsonNode embeddings = root == null ? null : root.get("embeddings");
        if (embeddings == null || !embeddings.isArray()) {
            throw new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, "Gemini sent an embeddings answer without 'embeddings'.");
        }
        boolean base64 = encodingFormat(req.body());
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < embeddings.size(); i++) {
            JsonNode values = embeddings.get(i).path("values");
            ObjectNode e = data.addObject();
            e.put("object", "embedding");
            e.put("index", i);
            if (base64) {
                ByteBuffer bb = ByteBuffer.allocate(values.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (JsonNode v : values) {
                    bb.putFloat(v.floatValue());
                }
                e.put("embedding", Base64.getEncoder().encodeToString(bb.array()));
            } else {
                ArrayNode arr = e.putArray("embedding");
                for (JsonNode v : values) {
                    arr.add(v.floatValue());
                }
            }
        }
        // Gemini's embeddings answer names no model: the model rule says the target's model id, as for chat.
        out.put("model", upstreamModel == null || upstreamModel.isEmpty() ? req.model() : stripModels(upstreamModel));
        // batchEmbedContents reports no token count (unlike generateContent): the usage is null (not reported) and
        // the body says 0 (the OpenAI SDKs require the field) until the gateway puts its own estimate of the input
        // there (the server's EstimatedUsage). Should Gemini add usageMetadata.promptTokenCount, it is used.
        JsonNode meta = root.path("usageMetadata").path("promptTokenCount");
        long prompt = meta.isIntegralNumber() ? meta.asLong() : 0;
        out.putObject("usage").put("prompt_tokens", prompt).put("total_tokens", prompt);
        Usage usage = meta.isIntegralNumber() ? new Usage(prompt, 0, prompt, 0, 0) : null;
        return new ChatAdapter.Answer(write(out), usage);
    }

    private static String stripModels(String model) {
        return model.startsWith("models/") ? model.substring("models/".length()) : model;
    }

    private static byte[] write(ObjectNode body) {
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
