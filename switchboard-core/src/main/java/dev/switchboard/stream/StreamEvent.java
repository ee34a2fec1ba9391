package dev.switchboard.stream;

import dev.switchboard.error.GatewayException;
import dev.switchboard.usage.Usage;

/**
 * One piece of a streamed answer, in no dialect. A decoder emits, per answer: {@link Started} once, then per choice
 * {@link ChoiceStarted} before that choice's first delta, deltas, and one {@link Finished}; {@link UsageReported}
 * whenever the provider reports usage (the last one counts). A provider that names the answer's id or model only
 * later (Gemini's modelVersion) emits {@link Started} again with the new names; encoders write the latest. {@link Failed} is the provider's error mid-stream.
 * Choices are numbered from 0; tool calls within a choice too (OpenAI's {@code index}).
 */
public sealed interface StreamEvent {
    /** The answer's id as the provider gave it ("" when none), the model it names, its creation time (epoch s). */
    record Started(String id, String model, long created) implements StreamEvent {}

    /** A choice begins (OpenAI's role chunk). */
    record ChoiceStarted(int choice) implements StreamEvent {}

    /** Answer text. */
    record TextDelta(int choice, String text) implements StreamEvent {}

    /** Reasoning text (OpenAI-compatible {@code reasoning_content}, Anthropic's thinking). */
    record ReasoningDelta(int choice, String text) implements StreamEvent {}

    /**
     * The end of a reasoning block as the provider sealed it: {@code type} is {@code thinking} with its
     * {@code signature}, or {@code redacted_thinking} with its opaque {@code data} (OpenAI-compatible
     * {@code thinking_blocks}).
     */
    record ReasoningSealed(int choice, String type, String signature, String data) implements StreamEvent {}

    /**
     * A piece of tool call {@code index}: its first piece names the {@code id} and {@code name} (null afterwards);
     * {@code arguments} is the next fragment of the JSON arguments ("" when none).
     */
    record ToolCallDelta(int choice, int index, String id, String name, String arguments) implements StreamEvent {}

    /** The choice ended, with the canonical finish reason (stop, length, tool_calls, content_filter…). */
    record Finished(int choice, String reason) implements StreamEvent {}

    /**
     * Usage so far, cumulative. {@code cacheWrites} and {@code reasoning} say whether the provider counts cache writes
     * and reasoning tokens at all, so that the canonical usage object names those fields (zeros included) as it does
     * for that provider's non-streamed answers.
     */
    record UsageReported(Usage usage, boolean cacheWrites, boolean reasoning) implements StreamEvent {
        public UsageReported(Usage usage) {
            this(usage, false, false);
        }
    }

    /** The provider's error in the middle of the stream. */
    record Failed(GatewayException error) implements StreamEvent {}
}
