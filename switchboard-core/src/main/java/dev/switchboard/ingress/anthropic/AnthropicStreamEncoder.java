package dev.switchboard.ingress.anthropic;

import dev.switchboard.json.JsonText;
import dev.switchboard.stream.StreamEncoder;
import dev.switchboard.stream.StreamEvent;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Typed stream events as Anthropic's event sequence: message_start, then per content block content_block_start,
 * deltas (text_delta, thinking_delta, signature_delta, input_json_delta) and content_block_stop, a ping after the
 * first block starts, and at the end message_delta (stop_reason and usage) and message_stop. The end waits for
 * {@link #onEnd}, because usage is reported after the finish. Translated providers report usage only at the end, so
 * message_start carries the gateway's estimate of the prompt as {@code input_tokens} (clients such as LangChain's
 * ChatAnthropic read it there), unless usage that counted the prompt came before the answer's first piece, and
 * message_delta the provider's counts, cumulative as in Anthropic's own streams (the estimate again if the provider
 * reported none). Events are written as text directly, field for field; no JSON tree. One instance per stream, fed
 * from one thread.
 */
public final class AnthropicStreamEncoder implements StreamEncoder {
    private enum Block { NONE, TEXT, THINKING, TOOL }

    private final String requestedModel;
    private final long promptEstimate;
    private String id = "";
    private String model;
    private boolean started;
    private boolean pinged;
    private boolean finished;
    private int nextIndex;
    private Block open = Block.NONE;
    private int openToolCall = -1;
    private String stopReason;
    /** The latest usage, and the first one reported before message_start went out (a count message_start may carry). */
    private StreamEvent.UsageReported usage;
    private StreamEvent.UsageReported early;

    /** @param promptEstimate the gateway's estimate of the input tokens, reported until the provider's count is known */
    public AnthropicStreamEncoder(String requestedModel, long promptEstimate) {
        this.requestedModel = requestedModel;
        this.promptEstimate = Math.max(0, promptEstimate);
    }

    @Override
    public void onEvent(StreamEvent event, Consumer<byte[]> out) {
        if (finished) {
            return;
        }
        if (event instanceof StreamEvent.Started s) {
            if (!started) {
                id = s.id() == null ? "" : s.id();
                model = s.model();
            }
            return;
        }
        if (event instanceof StreamEvent.UsageReported u) {
            usage = u;
            if (!started && early == null) {
                early = u;
            }
            return;
        }
        start(out);
        switch (event) {
            case StreamEvent.ReasoningDelta r when !r.text().isEmpty() -> {
                ensure(Block.THINKING, -1, null, null, out);
                blockDelta("thinking_delta", "thinking", r.text(), out);
            }
            case StreamEvent.ReasoningSealed r when r.signature() != null && open == Block.THINKING ->
                    blockDelta("signature_delta", "signature", r.signature(), out);
            case StreamEvent.TextDelta t when !t.text().isEmpty() -> {
                ensure(Block.TEXT, -1, null, null, out);
                blockDelta("text_delta", "text", t.text(), out);
            }
            case StreamEvent.ToolCallDelta t -> {
                if (open != Block.TOOL || openToolCall != t.index()) {
                    ensure(Block.TOOL, t.index(), t.id(), t.name(), out);
                }
                if (!t.arguments().isEmpty()) {
                    blockDelta("input_json_delta", "partial_json", t.arguments(), out);
                }
            }
            case StreamEvent.Finished f -> {
                closeBlock(out);
                stopReason = AnthropicStopReason.fromFinishReason(f.reason());
            }
            default -> { } // a choice's start, empty pieces, a redacted block: nothing in Anthropic's terms
        }
    }

    /** Ends the message: closes an open block, then message_delta and message_stop. Idempotent. */
    @Override
    public void onEnd(Consumer<byte[]> out) {
        if (finished) {
            return;
        }
        start(out);
        closeBlock(out);
        finished = true;
        StringBuilder sb = event("message_delta").append(",\"delta\":{\"stop_reason\":");
        JsonText.quote(sb, stopReason == null ? "end_turn" : stopReason).append(",\"stop_sequence\":null},\"usage\":");
        usage(sb, usage);
        emit(sb.append('}'), out);
        emit(event("message_stop").append('}'), out);
    }

    private void start(Consumer<byte[]> out) {
        if (started) {
            return;
        }
        started = true;
        StringBuilder sb = event("message_start").append(",\"message\":{\"id\":");
        JsonText.quote(sb, AnthropicResponseEncoder.messageId(id)).append(",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
        JsonText.quoteOrNull(sb, model == null ? requestedModel : model)
                .append(",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":");
        // The canonical stream reports usage at its end (some servers send zeros before): the estimate until then.
        usage(sb, early != null && AnthropicUsageEncoder.countsPrompt(early) ? early : null);
        emit(sb.append("}}"), out);
    }

    /** The usage object: the provider's counts, or the estimate of the prompt when there are none. */
    private void usage(StringBuilder sb, StreamEvent.UsageReported reported) {
        if (reported == null) {
            AnthropicUsageEncoder.write(sb, promptEstimate, 0, 0, 0);
        } else {
            AnthropicUsageEncoder.write(sb, reported);
        }
    }

    /** Opens a block of the given kind unless one is open already, closing the previous one. */
    private void ensure(Block kind, int toolCall, String callId, String name, Consumer<byte[]> out) {
        if (open == kind && kind != Block.TOOL) {
            return;
        }
        closeBlock(out);
        StringBuilder sb = event("content_block_start").append(",\"index\":").append(nextIndex).append(",\"content_block\":");
        switch (kind) {
            case TEXT -> sb.append("{\"type\":\"text\",\"text\":\"\"}}");
            case THINKING -> sb.append("{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}");
            case TOOL -> {
                JsonText.quote(sb.append("{\"type\":\"tool_use\",\"id\":"), callId == null ? "" : callId);
                JsonText.quote(sb.append(",\"name\":"), name == null ? "" : name).append(",\"input\":{}}}");
            }
            default -> throw new IllegalStateException();
        }
        emit(sb, out);
        open = kind;
        openToolCall = toolCall;
        if (!pinged) {
            pinged = true;
            emit(event("ping").append('}'), out);
        }
    }

    private void blockDelta(String type, String field, String value, Consumer<byte[]> out) {
        StringBuilder sb = event("content_block_delta").append(",\"index\":").append(nextIndex)
                .append(",\"delta\":{\"type\":\"").append(type).append("\",\"").append(field).append("\":");
        JsonText.quote(sb, value).append("}}");
        emit(sb, out);
    }

    private void closeBlock(Consumer<byte[]> out) {
        if (open == Block.NONE) {
            return;
        }
        emit(event("content_block_stop").append(",\"index\":").append(nextIndex).append('}'), out);
        open = Block.NONE;
        openToolCall = -1;
        nextIndex++;
    }

    /** An event's framing and the start of its data object, up to after its {@code type}; the caller closes it. */
    private static StringBuilder event(String type) {
        return new StringBuilder(160).append("event: ").append(type).append("\ndata: {\"type\":\"").append(type).append('"');
    }

    private static void emit(StringBuilder sb, Consumer<byte[]> out) {
        out.accept(sb.append("\n\n").toString().getBytes(StandardCharsets.UTF_8));
    }
}
