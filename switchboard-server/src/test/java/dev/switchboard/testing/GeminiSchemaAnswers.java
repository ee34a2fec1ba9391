package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The Gemini fake's answers in schema-aware mode: functionCall parts as {@link ToolPlay} decides (mode ANY with
 * one allowed function forces it; Gemini has no switch for parallel calls, so they are always allowed), the first
 * carrying a thoughtSignature; and {@code responseJsonSchema} / {@code responseSchema} answered with a
 * {@link SchemaSample}.
 */
final class GeminiSchemaAnswers {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GeminiSchemaAnswers() {}

    static List<ObjectNode> calls(JsonNode request, String lastUserText) {
        JsonNode config = request.path("toolConfig").path("functionCallingConfig");
        List<ToolPlay.Tool> offered = new ArrayList<>();
        for (JsonNode tool : request.path("tools")) {
            for (JsonNode d : tool.path("functionDeclarations")) {
                offered.add(new ToolPlay.Tool(d.path("name").asText(),
                        d.has("parametersJsonSchema") ? d.get("parametersJsonSchema") : d.path("parameters")));
            }
        }
        if (offered.isEmpty() || "NONE".equals(config.path("mode").asText()) || GeminiSimulatedAnswer.lastUserHasFunctionResponse(request)) {
            return List.of();
        }
        JsonNode allowed = config.path("allowedFunctionNames");
        String forced = "ANY".equals(config.path("mode").asText()) && allowed.size() == 1 ? allowed.get(0).asText() : null;
        List<ObjectNode> parts = new ArrayList<>();
        for (ToolPlay.Call c : ToolPlay.calls(offered, forced, true, lastUserText)) {
            ObjectNode part = MAPPER.createObjectNode();
            part.putObject("functionCall").put("name", c.name()).set("args", c.args());
            if (parts.isEmpty()) {
                part.put("thoughtSignature", FakeGeminiUpstream.SIGNATURE);
            }
            parts.add(part);
        }
        return parts;
    }

    /** The JSON text answering a response schema, or null when none is set. */
    static String structured(JsonNode request) {
        JsonNode gen = request.path("generationConfig");
        JsonNode schema = gen.has("responseJsonSchema") ? gen.get("responseJsonSchema") : gen.get("responseSchema");
        return schema == null ? null : SchemaSample.of(schema, 1).toString();
    }
}
