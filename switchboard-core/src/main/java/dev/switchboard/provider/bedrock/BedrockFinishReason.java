package dev.switchboard.provider.bedrock;

/** Converse stopReason → OpenAI finish_reason. */
final class BedrockFinishReason {
    private BedrockFinishReason() {}

    static String map(String stopReason) {
        if (stopReason == null) {
            return "stop";
        }
        return switch (stopReason) {
            case "tool_use" -> "tool_calls";
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence
        };
    }
}
