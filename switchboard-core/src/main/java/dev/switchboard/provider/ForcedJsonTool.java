package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.error.GatewayException;
import java.util.function.BiFunction;

/**
 * {@code response_format} read as one forced tool, for providers with no response-format field of their own
 * (Anthropic, Bedrock): {@code json_schema} gives the tool the client's schema (whose root must be an object, as a
 * tool's input is), {@code json_object} an open object schema, {@code text} no tool. Each vendor wraps the result in
 * its own tool shape; the answer's tool input is handed back as the message content.
 */
public record ForcedJsonTool(String description, JsonNode schema) {
    /** The forced tool's name; a reply's tool call with this name is the structured answer. */
    public static final String NAME = "json_response";

    /** Whether the request asks for JSON output, so its answer is read with the structured-output rule. */
    public static boolean requested(JsonNode body) {
        String type = body.path("response_format").path("type").asText("");
        return type.equals("json_schema") || type.equals("json_object");
    }

    /**
     * The tool standing for {@code responseFormat}, or null when plain text (or nothing) is asked for.
     * @param invalid the vendor's 400 for (parameter path, message)
     */
    public static ForcedJsonTool of(JsonNode responseFormat, BiFunction<String, String, GatewayException> invalid) {
        if (responseFormat == null || responseFormat.isNull()) {
            return null;
        }
        if (!responseFormat.isObject()) {
            throw invalid.apply("response_format", "'response_format' must be an object.");
        }
        String type = responseFormat.path("type").asText("");
        switch (type) {
            case "text" -> {
                return null;
            }
            case "json_object" -> {
                return new ForcedJsonTool("Give your complete answer as a JSON object by calling this tool.",
                        JsonNodeFactory.instance.objectNode().put("type", "object"));
            }
            case "json_schema" -> {
                JsonNode format = responseFormat.path("json_schema");
                JsonNode schema = format.get("schema");
                if (schema == null || !schema.isObject() || !"object".equals(schema.path("type").asText())) {
                    throw invalid.apply("response_format.json_schema.schema",
                            "'response_format.json_schema.schema' must be a JSON schema whose root is of type 'object'.");
                }
                String name = format.path("name").asText("response");
                String description = format.path("description").isTextual() ? format.get("description").asText() + " " : "";
                return new ForcedJsonTool(description + "Give your complete answer by calling this tool; its input is the '"
                        + name + "' JSON object.", schema.deepCopy());
            }
            default -> throw invalid.apply("response_format.type", "Invalid value for 'response_format.type': '"
                    + type + "'. Supported values are: 'text', 'json_object' and 'json_schema'.");
        }
    }
}
