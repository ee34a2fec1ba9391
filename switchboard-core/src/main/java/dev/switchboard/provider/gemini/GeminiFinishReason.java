package dev.switchboard.provider.gemini;

/** Gemini's {@code finishReason} as OpenAI's {@code finish_reason}. */
final class GeminiFinishReason {
    private GeminiFinishReason() {}

    /** @return null for no reason (the candidate is not finished) */
    static String map(String reason, boolean calledTools) {
        if (reason == null || reason.isEmpty() || reason.equals("FINISH_REASON_UNSPECIFIED")) {
            return null;
        }
        return switch (reason) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                 "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION" -> "content_filter";
            default -> calledTools ? "tool_calls" : "stop"; // STOP, and LANGUAGE, OTHER, MALFORMED_FUNCTION_CALL…
        };
    }
}
