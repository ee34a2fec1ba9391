package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code response_format} {@code json_schema} / {@code json_object} as a forced tool, the rule the Anthropic
 * translation follows: the schema (or an open object schema for json_object) becomes the input schema of one
 * tool, {@code toolChoice.tool} names it, and the answer's toolUse input is handed back as the message content.
 * <p>Why a tool: Converse has no response-format field, and a tool's input is schema-shaped JSON. The price: the
 * schema is followed, not grammar-enforced; Bedrock allows {@code toolChoice.tool} only for the models that
 * support it (Anthropic Claude 3+, Amazon Nova; others answer with a ValidationException); the combination with
 * the client's own tools is refused up front.
 */
final class BedrockStructuredOutput {
    /** The forced tool's name (the one the Anthropic translation uses); its toolUse input is the structured answer. */
    static final String TOOL_NAME = "json_response";

    private BedrockStructuredOutput() {}

    /** Whether the request asks for JSON output, so its answer is read with the structured-output rule. */
    static boolean requested(JsonNode body) {
        String type = body.path("response_format").path("type").asText("");
        return type.equals("json_schema") || type.equals("json_object");
    }

    /** The Converse tool ({@code {"toolSpec":…}}) standing for {@code response_format}, or null when text is asked for. */
    static ObjectNode tool(JsonNode responseFormat) {
        if (responseFormat == null || responseFormat.isNull()) {
            return null;
        }
        if (!responseFormat.isObject()) {
            throw BedrockRequestErrors.invalid("response_format", "'response_format' must be an object.");
        }
        String type = responseFormat.path("type").asText("");
        ObjectNode tool = JsonNodeFactory.instance.objectNode();
        ObjectNode spec = tool.putObject("toolSpec");
        spec.put("name", TOOL_NAME);
        switch (type) {
            case "text" -> {
                return null;
            }
            case "json_object" -> {
                spec.put("description", "Give your complete answer as a JSON object by calling this tool.");
                spec.putObject("inputSchema").putObject("json").put("type", "object");
            }
            case "json_schema" -> {
                JsonNode format = responseFormat.path("json_schema");
                JsonNode schema = format.get("schema");
                if (schema == null || !schema.isObject() || !"object".equals(schema.path("type").asText())) {
                    throw BedrockRequestErrors.invalid("response_format.json_schema.schema",
                            "'response_format.json_schema.schema' must be a JSON schema whose root is of type 'object'.");
                }
                String name = format.path("name").asText("response");
                String description = format.path("description").isTextual() ? format.get("description").asText() + " " : "";
                spec.put("description", description + "Give your complete answer by calling this tool; its input is the '"
                        + name + "' JSON object.");
                spec.putObject("inputSchema").set("json", schema.deepCopy());
            }
            default -> throw BedrockRequestErrors.invalid("response_format.type", "Invalid value for 'response_format.type': '"
                    + type + "'. Supported values are: 'text', 'json_object' and 'json_schema'.");
        }
        return tool;
    }
}
