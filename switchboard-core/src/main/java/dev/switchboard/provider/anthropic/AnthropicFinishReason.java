package dev.switchboard.provider.anthropic;

/** Anthropic's {@code stop_reason} as OpenAI's {@code finish_reason}. */
final class AnthropicFinishReason {
    private AnthropicFinishReason() {}

    /**
     * @param structuredOutput the request asked for JSON through the forced tool, so stopping for that tool
     *                         is the answer being complete, not a call for the client to run
     * @return the finish reason, or null when Anthropic gave none
     */
    static String map(String stopReason, boolean structuredOutput) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> structuredOutput ? "stop" : "tool_calls";
            case "refusal" -> "content_filter";
            // end_turn, stop_sequence; pause_turn only follows server tools, which are never requested here
            default -> "stop";
        };
    }
}
