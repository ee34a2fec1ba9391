package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The Bedrock fake's tool calls in schema-aware mode, as {@link ToolPlay} decides: {@code toolChoice.tool} forces
 * one. Converse has no switch for parallel calls, so this fake calls in parallel whenever the prompt asks for it
 * (the gateway passes only the first call on when the client disabled parallel calls). Structured output reaches Bedrock as a forced tool, so its answer is the {@link SchemaSample} of that
 * tool's schema.
 */
final class BedrockSchemaAnswers {
    private BedrockSchemaAnswers() {}

    static List<ToolPlay.Call> calls(JsonNode body, String lastUserText) {
        JsonNode config = body.path("toolConfig");
        List<ToolPlay.Tool> offered = new ArrayList<>();
        for (JsonNode t : config.path("tools")) {
            if (t.has("toolSpec")) {
                offered.add(new ToolPlay.Tool(t.at("/toolSpec/name").asText(), t.at("/toolSpec/inputSchema/json")));
            }
        }
        String forced = config.path("toolChoice").has("tool") ? config.at("/toolChoice/tool/name").asText() : null;
        return ToolPlay.calls(offered, forced, true, lastUserText);
    }
}
