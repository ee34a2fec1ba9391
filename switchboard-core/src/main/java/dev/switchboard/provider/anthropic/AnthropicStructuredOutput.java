package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.provider.ForcedJsonTool;

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
    public static final String TOOL_NAME = ForcedJsonTool.NAME;

    private AnthropicStructuredOutput() {}

    /** Whether the request asks for JSON output, so its reply must be read with the structured-output rule. */
    public static boolean requested(ModelRequest req) {
        return ForcedJsonTool.requested(req.body());
    }

    /** The tool standing for {@code response_format}, or null when plain text is asked for. */
    static ObjectNode tool(JsonNode responseFormat) {
        ForcedJsonTool forced = ForcedJsonTool.of(responseFormat, AnthropicRequestErrors::invalid);
        if (forced == null) {
            return null;
        }
        ObjectNode tool = JsonNodeFactory.instance.objectNode();
        tool.put("name", TOOL_NAME).put("description", forced.description());
        tool.set("input_schema", forced.schema());
        return tool;
    }
}
