package dev.switchboard.ingress.anthropic;

/** The canonical {@code finish_reason} as Anthropic's {@code stop_reason}; the reverse of the upstream's mapping. */
final class AnthropicStopReason {
    private AnthropicStopReason() {}

    static String fromFinishReason(String finishReason) {
        if (finishReason == null) {
            return "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn"; // stop; OpenAI does not say whether a stop sequence was hit
        };
    }
}
