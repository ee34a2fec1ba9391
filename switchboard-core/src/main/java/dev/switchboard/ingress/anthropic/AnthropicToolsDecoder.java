package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import java.util.List;

/**
 * Client tools as canonical function tools, and tool_choice: auto/any/none/tool as auto/required/none/named
 * function, with {@code disable_parallel_tool_use} as {@code parallel_tool_calls: false}. Anthropic's server
 * tools and Anthropic-defined tools (a {@code type} other than {@code custom}) have no canonical form: they are
 * listed as dialect-only (an Anthropic provider gets them, any other refuses or reports them), never lost silently.
 */
final class AnthropicToolsDecoder {
    private AnthropicToolsDecoder() {}

    static void tools(JsonNode tools, ObjectNode out, List<String> lost) {
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw AnthropicRequestProblems.invalid("tools", "Input should be a valid list");
        }
        if (tools.isEmpty()) {
            return;
        }
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String path = "tools." + i;
            if (!t.isObject()) {
                throw AnthropicRequestProblems.invalid(path, "Input should be an object");
            }
            String type = t.path("type").asText("custom");
            if (!type.equals("custom")) {
                lost.add(path); // a server tool (or an Anthropic-defined one): no schema to give another provider
                continue;
            }
            if (!t.path("name").isTextual()) {
                throw AnthropicRequestProblems.missing(path + ".name");
            }
            JsonNode schema = t.get("input_schema");
            if (schema == null || !schema.isObject()) {
                throw AnthropicRequestProblems.missing(path + ".input_schema");
            }
            ObjectNode fn = list.addObject().put("type", "function").putObject("function");
            fn.put("name", t.path("name").asText());
            if (t.path("description").isTextual()) {
                fn.put("description", t.path("description").asText());
            }
            fn.set("parameters", schema);
        }
        if (!list.isEmpty()) {
            out.set("tools", list);
        }
    }

    static void toolChoice(JsonNode choice, ObjectNode out) {
        if (choice == null || choice.isNull()) {
            return;
        }
        if (!choice.isObject()) {
            throw AnthropicRequestProblems.invalid("tool_choice", "Input should be an object");
        }
        switch (choice.path("type").asText("")) {
            case "auto" -> out.put("tool_choice", "auto");
            case "any" -> out.put("tool_choice", "required");
            case "none" -> out.put("tool_choice", "none");
            case "tool" -> {
                if (!choice.path("name").isTextual()) {
                    throw AnthropicRequestProblems.missing("tool_choice.name");
                }
                out.putObject("tool_choice").put("type", "function")
                        .putObject("function").put("name", choice.path("name").asText());
            }
            default -> throw AnthropicRequestProblems.invalid("tool_choice.type",
                    "Input should be 'auto', 'any', 'tool' or 'none'");
        }
        JsonNode disable = choice.get("disable_parallel_tool_use");
        if (disable != null && !disable.isNull() && !disable.isBoolean()) {
            // never coerced: "yes" would read as false, {} as false, and the client would get parallel calls
            throw AnthropicRequestProblems.invalid("tool_choice.disable_parallel_tool_use", "Input should be a valid boolean");
        }
        if (disable != null && disable.booleanValue() && out.has("tools")) {
            out.put("parallel_tool_calls", false);
        }
    }
}
