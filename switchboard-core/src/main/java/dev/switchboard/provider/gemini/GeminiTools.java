package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI {@code tools} → one Gemini tool with {@code functionDeclarations} (the JSON Schema passed through as
 * {@code parametersJsonSchema}); {@code tool_choice} → {@code toolConfig.functionCallingConfig}:
 * auto → AUTO, none → NONE, required → ANY, a named function → ANY limited to that name.
 * {@code parallel_tool_calls: false} has no Gemini switch: the request goes as it is and the gateway passes only
 * the first function call of each answer on ({@link #firstCallOnly}), so the client never sees a second one.
 */
final class GeminiTools {
    private GeminiTools() {}

    static void apply(JsonNode in, ObjectNode out) {
        JsonNode tools = in.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw GeminiRequestErrors.invalid("tools", "'tools' must be an array.");
            }
            ArrayNode decls = out.arrayNode();
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                if (!"function".equals(t.path("type").asText())) {
                    throw GeminiRequestErrors.invalid("tools[" + i + "].type",
                            "Only function tools are supported by Gemini models, got '" + t.path("type").asText() + "'.");
                }
                JsonNode f = t.path("function");
                if (!f.path("name").isTextual()) {
                    throw GeminiRequestErrors.missing("tools[" + i + "].function.name");
                }
                ObjectNode d = decls.addObject();
                d.put("name", f.get("name").asText());
                if (f.path("description").isTextual()) {
                    d.put("description", f.get("description").asText());
                }
                if (f.path("parameters").isObject()) {
                    d.set("parametersJsonSchema", f.get("parameters"));
                }
            }
            if (!decls.isEmpty()) {
                out.putArray("tools").addObject().set("functionDeclarations", decls);
            }
        }
        toolChoice(in.get("tool_choice"), out);
        JsonNode parallel = in.get("parallel_tool_calls");
        if (parallel != null && !parallel.isNull() && !parallel.isBoolean()) {
            throw GeminiRequestErrors.invalid("parallel_tool_calls", "'parallel_tool_calls' must be a boolean.");
        }
    }

    /** Whether the caller asked for at most one tool call per answer ({@code parallel_tool_calls: false}). */
    static boolean firstCallOnly(JsonNode request) {
        JsonNode parallel = request.get("parallel_tool_calls");
        return parallel != null && parallel.isBoolean() && !parallel.booleanValue();
    }

    private static void toolChoice(JsonNode choice, ObjectNode out) {
        if (choice == null || choice.isNull()) {
            return;
        }
        ObjectNode config = out.putObject("toolConfig").putObject("functionCallingConfig");
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto" -> config.put("mode", "AUTO");
                case "none" -> config.put("mode", "NONE");
                case "required" -> config.put("mode", "ANY");
                default -> throw GeminiRequestErrors.invalid("tool_choice", "Unknown tool_choice '" + choice.asText() + "'.");
            }
            return;
        }
        String name = choice.path("function").path("name").asText("");
        if (!"function".equals(choice.path("type").asText()) || name.isEmpty()) {
            throw GeminiRequestErrors.invalid("tool_choice", "'tool_choice' must be auto, none, required or a named function.");
        }
        config.put("mode", "ANY");
        config.putArray("allowedFunctionNames").add(name);
    }
}
