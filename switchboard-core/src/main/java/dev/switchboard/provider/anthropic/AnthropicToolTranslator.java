package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Translates {@code tools}, {@code tool_choice}, {@code parallel_tool_calls} and {@code response_format}
 * (which becomes a forced tool, see {@link AnthropicStructuredOutput}) into Anthropic's {@code tools} and
 * {@code tool_choice}.
 */
final class AnthropicToolTranslator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AnthropicToolTranslator() {}

    /** @param thinking whether extended thinking is on: it only allows tool_choice auto and none */
    static void apply(JsonNode body, ObjectNode out, boolean thinking) {
        JsonNode parallelFlag = body.get("parallel_tool_calls");
        if (parallelFlag != null && !parallelFlag.isNull() && !parallelFlag.isBoolean()) {
            throw AnthropicRequestErrors.invalid("parallel_tool_calls", "'parallel_tool_calls' must be a boolean.");
        }
        ArrayNode tools = tools(body.get("tools"));
        ObjectNode structured = AnthropicStructuredOutput.tool(body.get("response_format"));
        if (structured != null) {
            if (tools != null && !tools.isEmpty()) {
                throw AnthropicRequestErrors.unsupported("response_format",
                        "JSON output is produced through a forced tool, which cannot be combined with 'tools'");
            }
            if (thinking) {
                throw AnthropicRequestErrors.unsupported("response_format",
                        "JSON output is produced through a forced tool, which extended thinking does not allow");
            }
            out.putArray("tools").add(structured);
            ObjectNode choice = out.putObject("tool_choice");
            choice.put("type", "tool");
            choice.put("name", AnthropicStructuredOutput.TOOL_NAME);
            return;
        }
        ObjectNode choice = toolChoice(body.get("tool_choice"));
        boolean hasTools = tools != null && !tools.isEmpty();
        if (!hasTools) {
            if (choice != null && !choice.path("type").asText().equals("auto") && !choice.path("type").asText().equals("none")) {
                throw AnthropicRequestErrors.invalid("tool_choice", "'tool_choice' requires 'tools'.");
            }
            return; // without tools, auto and none ask for nothing
        }
        if (thinking && choice != null && !choice.path("type").asText().equals("auto") && !choice.path("type").asText().equals("none")) {
            throw AnthropicRequestErrors.unsupported("tool_choice",
                    "with extended thinking (reasoning) only 'auto' and 'none' are allowed");
        }
        out.set("tools", tools);
        JsonNode parallel = body.get("parallel_tool_calls");
        if (parallel != null && parallel.isBoolean() && !parallel.asBoolean()
                && (choice == null || !choice.path("type").asText().equals("none"))) {
            if (choice == null) {
                choice = NODES.objectNode().put("type", "auto");
            }
            choice.put("disable_parallel_tool_use", true);
        }
        if (choice != null) {
            out.set("tool_choice", choice);
        }
    }

    private static ArrayNode tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return null;
        }
        if (!tools.isArray()) {
            throw AnthropicRequestErrors.invalid("tools", "'tools' must be an array.");
        }
        ArrayNode out = NODES.arrayNode();
        for (int i = 0; i < tools.size(); i++) {
            out.add(tool(tools.get(i), "tools[" + i + "]"));
        }
        return out;
    }

    /**
     * A function tool. OpenAI's {@code strict} has no Anthropic counterpart: the schema is still sent and followed,
     * only not grammar-enforced, so it is not refused (SDKs set it by default).
     */
    private static ObjectNode tool(JsonNode tool, String path) {
        String type = tool.path("type").asText("");
        if (!type.equals("function")) {
            throw AnthropicRequestErrors.unsupported(path + ".type", "only 'function' tools can be translated, not '" + type + "'");
        }
        JsonNode function = tool.path("function");
        String name = function.path("name").asText(null);
        if (name == null || name.isEmpty()) {
            throw AnthropicRequestErrors.missing(path + ".function.name");
        }
        ObjectNode out = NODES.objectNode();
        out.put("name", name);
        if (function.hasNonNull("description")) {
            out.put("description", function.get("description").asText());
        }
        JsonNode parameters = function.get("parameters");
        if (parameters == null || parameters.isNull()) {
            ObjectNode empty = out.putObject("input_schema"); // Anthropic requires a schema; OpenAI's default is "no arguments"
            empty.put("type", "object");
            empty.putObject("properties");
        } else if (parameters.isObject()) {
            out.set("input_schema", parameters.deepCopy());
        } else {
            throw AnthropicRequestErrors.invalid(path + ".function.parameters", "'" + path + ".function.parameters' must be an object.");
        }
        JsonNode cache = tool.hasNonNull("cache_control") ? tool.get("cache_control") : function.get("cache_control");
        AnthropicContentBlocks.withCache(out, cache);
        return out;
    }

    private static ObjectNode toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        ObjectNode out = NODES.objectNode();
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto" -> out.put("type", "auto");
                case "required" -> out.put("type", "any");
                case "none" -> out.put("type", "none");
                default -> throw AnthropicRequestErrors.invalid("tool_choice", "Invalid value for 'tool_choice': '"
                        + choice.asText() + "'. Supported values are: 'none', 'auto' and 'required'.");
            }
            return out;
        }
        if (choice.isObject() && choice.path("type").asText("").equals("function")) {
            String name = choice.path("function").path("name").asText(null);
            if (name == null || name.isEmpty()) {
                throw AnthropicRequestErrors.missing("tool_choice.function.name");
            }
            out.put("type", "tool");
            out.put("name", name);
            return out;
        }
        throw AnthropicRequestErrors.unsupported("tool_choice",
                "only 'none', 'auto', 'required' and a named function can be translated");
    }
}
