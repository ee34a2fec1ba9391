package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** The pieces {@link FakeGeminiUpstream}'s fixed (not schema-aware) simulation answers with, and how they merge. */
final class GeminiSimulatedAnswer {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SIGNATURE = FakeGeminiUpstream.SIGNATURE;

    private GeminiSimulatedAnswer() {}

    static ObjectNode response(String id, String model) {
        ObjectNode r = MAPPER.createObjectNode();
        r.put("modelVersion", model);
        r.put("responseId", id);
        return r;
    }

    static ObjectNode piece(String id, String model, List<ObjectNode> parts, String finish) {
        ObjectNode r = MAPPER.createObjectNode();
        ObjectNode cand = r.putArray("candidates").addObject();
        ObjectNode content = cand.putObject("content");
        ArrayNode ps = content.putArray("parts");
        parts.forEach(ps::add);
        content.put("role", "model");
        if (finish != null) {
            cand.put("finishReason", finish);
        }
        cand.put("index", 0);
        r.put("modelVersion", model);
        r.put("responseId", id);
        return r;
    }

    /** The pieces of a stream merged into the one response generateContent returns. */
    static ObjectNode merge(List<ObjectNode> pieces) {
        ObjectNode last = pieces.get(pieces.size() - 1).deepCopy();
        if (!last.has("candidates")) {
            return last;
        }
        ArrayNode parts = MAPPER.createArrayNode();
        StringBuilder text = new StringBuilder();
        for (ObjectNode p : pieces) {
            for (JsonNode part : p.at("/candidates/0/content/parts")) {
                if (part.has("text")) {
                    text.append(part.get("text").asText());
                } else {
                    parts.add(part);
                }
            }
        }
        if (!text.isEmpty()) {
            parts.insert(0, MAPPER.createObjectNode().put("text", text.toString()));
        }
        ((ObjectNode) last.at("/candidates/0/content")).set("parts", parts);
        return last;
    }

    static List<ObjectNode> calls(JsonNode request) {
        JsonNode decls = request.path("tools").path(0).path("functionDeclarations");
        JsonNode config = request.path("toolConfig").path("functionCallingConfig");
        if (!decls.isArray() || decls.isEmpty() || "NONE".equals(config.path("mode").asText()) || lastUserHasFunctionResponse(request)) {
            return List.of();
        }
        JsonNode allowed = config.path("allowedFunctionNames");
        String[] cities = {"Paris", "Tokyo"};
        List<ObjectNode> calls = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            String name = allowed.isArray() && !allowed.isEmpty() ? allowed.get(0).asText()
                    : decls.get(Math.min(k, decls.size() - 1)).path("name").asText();
            ObjectNode part = MAPPER.createObjectNode();
            part.putObject("functionCall").put("name", name).putObject("args").put("city", cities[k]).put("unit", "celsius");
            if (k == 0) {
                part.put("thoughtSignature", SIGNATURE);
            }
            calls.add(part);
        }
        return calls;
    }

    static boolean lastUserHasFunctionResponse(JsonNode request) {
        JsonNode contents = request.path("contents");
        for (JsonNode p : contents.get(contents.size() - 1).path("parts")) {
            if (p.has("functionResponse")) {
                return true;
            }
        }
        return false;
    }

    static String lastUserText(JsonNode request) {
        JsonNode contents = request.path("contents");
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : contents.get(contents.size() - 1).path("parts")) {
            if (p.has("text")) {
                sb.append(p.get("text").asText());
            }
        }
        return sb.toString();
    }

    static String text(JsonNode request, String last) {
        if (lastUserHasFunctionResponse(request)) {
            List<String> results = new ArrayList<>();
            for (JsonNode p : request.path("contents").get(request.path("contents").size() - 1).path("parts")) {
                if (p.has("functionResponse")) {
                    results.add(p.get("functionResponse").path("name").asText() + "=" + p.get("functionResponse").path("response"));
                }
            }
            return "results: " + String.join("; ", results);
        }
        JsonNode gen = request.path("generationConfig");
        if ("application/json".equals(gen.path("responseMimeType").asText())) {
            ObjectNode o = MAPPER.createObjectNode();
            JsonNode schema = gen.path("responseJsonSchema");
            if (schema.path("properties").isObject()) {
                schema.path("properties").fields().forEachRemaining(e -> {
                    switch (e.getValue().path("type").asText()) {
                        case "integer", "number" -> o.put(e.getKey(), 1);
                        case "boolean" -> o.put(e.getKey(), true);
                        default -> o.put(e.getKey(), e.getKey() + "-value");
                    }
                });
            } else {
                o.put("echo", last);
            }
            return o.toString();
        }
        return "echo: " + last;
    }
}
