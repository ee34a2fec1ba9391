package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ModelRequest;

/**
 * What the client's request says about reading a Converse answer back, streamed or not:
 * <ul>
 *   <li>{@code model}: Converse answers name no model, so the answer names the upstream model id the request was
 *       sent for (what Bedrock itself was asked for), never the caller's alias;</li>
 *   <li>{@code structuredOutput}: the request asked for JSON through the forced tool ({@link BedrockStructuredOutput}),
 *       whose input becomes the message content and whose tool_use stop is a plain stop;</li>
 *   <li>{@code singleToolCall}: {@code parallel_tool_calls: false}, which Converse has no switch for: only the
 *       answer's first tool call reaches the client (finish_reason stays tool_calls).</li>
 * </ul>
 */
public record BedrockAnswerRules(String model, boolean structuredOutput, boolean singleToolCall) {
    public static BedrockAnswerRules of(ModelRequest req, String upstreamModel) {
        JsonNode body = req.body();
        JsonNode parallel = body.get("parallel_tool_calls");
        return new BedrockAnswerRules(upstreamModel, BedrockStructuredOutput.requested(body),
                parallel != null && parallel.isBoolean() && !parallel.asBoolean());
    }

    /** Rules that change nothing but the model name. */
    public static BedrockAnswerRules plain(String model) {
        return new BedrockAnswerRules(model, false, false);
    }

    /** Whether a toolUse block of this name is the structured answer. */
    boolean isStructured(String toolName) {
        return structuredOutput && BedrockStructuredOutput.TOOL_NAME.equals(toolName);
    }

    /** The finish reason; stopping for the forced JSON tool (no client tool call passed on) is a plain stop. */
    String finishReason(String stopReason, boolean toolCallsPassed) {
        String reason = BedrockFinishReason.map(stopReason);
        return structuredOutput && !toolCallsPassed && reason.equals("tool_calls") ? "stop" : reason;
    }
}
