package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.provider.ForcedJsonTool;

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
    static final String TOOL_NAME = ForcedJsonTool.NAME;

    private BedrockStructuredOutput() {}

    /** Whether the request asks for JSON output, so its answer is read with the structured-output rule. */
    static boolean requested(JsonNode body) {
        return ForcedJsonTool.requested(body);
    }

    /** The Converse tool ({@code {"toolSpec":…}}) standing for {@code response_format}, or null when text is asked for. */
    static ObjectNode tool(JsonNode responseFormat) {
        ForcedJsonTool forced = ForcedJsonTool.of(responseFormat, BedrockRequestErrors::invalid);
        if (forced == null) {
            return null;
        }
        ObjectNode tool = JsonNodeFactory.instance.objectNode();
        ObjectNode spec = tool.putObject("toolSpec");
        spec.put("name", TOOL_NAME).put("description", forced.description());
        spec.putObject("inputSchema").set("json", forced.schema());
        return tool;
    }
}
