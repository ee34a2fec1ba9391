package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * tools / tool_choice → Converse {@code toolConfig}: each function becomes a {@code toolSpec} whose
 * {@code inputSchema.json} is its parameters; auto → {@code auto}, required → {@code any}, a named function →
 * {@code tool}. Converse has no "none": the tools are left out (unless the history holds tool calls, which
 * Converse requires a toolConfig for; then the model is left to choose). {@code response_format} JSON output is a
 * forced tool of its own ({@link BedrockStructuredOutput}). Converse has no switch for parallel tool use:
 * {@code parallel_tool_calls: false} is honoured on the answer ({@link BedrockAnswerRules}).
 */
final class BedrockTools {
    private BedrockTools() {}

    static void apply(JsonNode in, ObjectNode out, boolean historyUsesTools) {
        JsonNode parallel = in.get("parallel_tool_calls");
        if (parallel != null && !parallel.isNull() && !parallel.isBoolean()) {
            throw BedrockRequestErrors.invalid("parallel_tool_calls", "'parallel_tool_calls' must be a boolean.");
        }
        JsonNode tools = in.get("tools");
        ObjectNode structured = BedrockStructuredOutput.tool(in.get("response_format"));
        if (structured != null) {
            if (tools != null && !tools.isNull() && !tools.isEmpty()) {
                throw BedrockRequestErrors.unsupported("response_format",
                        "JSON output is produced through a forced tool, which cannot be combined with 'tools'");
            }
            ObjectNode config = out.putObject("toolConfig");
            config.putArray("tools").add(structured);
            config.putObject("toolChoice").putObject("tool").put("name", BedrockStructuredOutput.TOOL_NAME);
            return;
        }
        if (tools == null || tools.isNull() || tools.isEmpty()) {
            return;
        }
        JsonNode choice = in.get("tool_choice");
        boolean none = choice != null && "none".equals(choice.asText(null));
        if (none && !historyUsesTools) {
            return;
        }
        ObjectNode config = out.putObject("toolConfig");
        ArrayNode specs = config.putArray("tools");
        for (JsonNode t : tools) {
            if (!"function".equals(t.path("type").asText())) {
                throw BedrockRequestErrors.invalid("tools", "Only function tools are supported by Bedrock models.");
            }
            JsonNode f = t.path("function");
            ObjectNode spec = specs.addObject().putObject("toolSpec");
            spec.put("name", f.path("name").asText());
            if (f.path("description").isTextual()) {
                spec.put("description", f.get("description").asText());
            }
            JsonNode params = f.get("parameters");
            spec.putObject("inputSchema").set("json", params != null && params.isObject() ? params
                    : spec.objectNode().put("type", "object").set("properties", spec.objectNode()));
        }
        if (choice == null || choice.isNull() || none) {
            return;
        }
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto" -> config.putObject("toolChoice").putObject("auto");
                case "required" -> config.putObject("toolChoice").putObject("any");
                default -> throw BedrockRequestErrors.invalid("tool_choice", "Unknown tool_choice '" + choice.asText() + "'.");
            }
        } else if (choice.path("function").path("name").isTextual()) {
            config.putObject("toolChoice").putObject("tool").put("name", choice.path("function").path("name").asText());
        } else {
            throw BedrockRequestErrors.invalid("tool_choice", "'tool_choice' must be auto, none, required or a function.");
        }
    }
}
