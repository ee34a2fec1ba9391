package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ModelRequest;

/**
 * {@code response_format} {@code json_schema} / {@code json_object} as a forced tool: the schema becomes the
 * input schema of one tool, {@code tool_choice} names it, and the reply's {@code tool_use} input is handed back
 * to the client as the message content.
 * <p>Why a tool and not Anthropic's native structured outputs ({@code output_format}): the native form is a
 * beta behind an {@code anthropic-beta} header and limited to recent models, while tool input is schema-shaped
 * JSON on every Claude model. The price: the schema is followed, not grammar-enforced; the combination with
 * client tools or extended thinking (which refuses forced tools) is refused up front.
 */
public final class AnthropicStructuredOutput {
    /** The name of the forced tool; a reply's tool_use block with this name is the structured answer. */
    public static final String TOOL_NAME = "json_response";

    private AnthropicStructuredOutput() {}

    /** Whether the request asks for JSON output, so its reply must be read with the structured-output rule. */
    public static boolean requested(ModelRequest req) {
        return requested(req.body());
    }

    static boolean requested(JsonNode body) {
        String type = body.path("response_format").path("type").asText("");
        return type.equals("json_schema") || type.equals("json_object");
    }

    /** The tool standing for {@code response_format}, or null when plain text is asked for. */
    static ObjectNode tool(JsonNode responseFormat) {
        if (responseFormat == null || responseFormat.isNull()) {
            return null;
        }
        String type = responseFormat.path("type").asText("");
        ObjectNode tool = JsonNodeFactory.instance.objectNode();
        tool.put("name", TOOL_NAME);
        switch (type) {
            case "text" -> {
                return null;
            }
            case "json_object" -> {
                tool.put("description", "Give your complete answer as a JSON object by calling this tool.");
                tool.putObject("input_schema").put("type", "object");
            }
            case "json_schema" -> {
                JsonNode spec = responseFormat.path("json_schema");
                JsonNode schema = spec.get("schema");
                if (schema == null || !schema.isObject() || !"object".equals(schema.path("type").asText())) {
                    throw AnthropicRequestErrors.invalid("response_format.json_schema.schema",
                            "'response_format.json_schema.schema' must be a JSON schema whose root is of type 'object'.");
                }
                String name = spec.path("name").asText("response");
                String description = spec.hasNonNull("description") ? spec.get("description").asText() + " " : "";
                tool.put("description", description + "Give your complete answer by calling this tool; its input is "
                        + "the '" + name + "' JSON object.");
                tool.set("input_schema", schema.deepCopy());
            }
            default -> throw AnthropicRequestErrors.invalid("response_format.type", "Invalid value for 'response_format.type': '"
                    + type + "'. Supported values are: 'text', 'json_object' and 'json_schema'.");
        }
        return tool;
    }
}
