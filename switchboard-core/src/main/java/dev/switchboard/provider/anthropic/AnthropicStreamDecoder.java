package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.provider.CanonicalJson;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.StreamDecoder;
import dev.switchboard.stream.StreamEvent;
import dev.switchboard.usage.Usage;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decodes one Anthropic event stream into typed {@link StreamEvent}s, event by event.
 * <ul>
 *   <li>message_start starts the answer and its one choice; text, tool-call arguments and thinking follow as they
 *       arrive (a thinking block's signature, or a redacted block, as {@link StreamEvent.ReasoningSealed}).</li>
 *   <li>Anthropic numbers content blocks of every kind; OpenAI numbers tool calls only, so each tool_use block
 *       gets the next tool-call {@code index} (0, 1, 2…), and its {@code id} and name go in its first delta only.</li>
 *   <li>Exactly one {@link StreamEvent.Finished}; usage as message_start and message_delta report it, and once more
 *       at message_stop (the stream's last word), whether or not the client asked for it.</li>
 *   <li>An {@code error} event is thrown as a {@link GatewayException} (e.g. overloaded: 503, retryable).</li>
 *   <li>Structured output: the forced JSON tool's input is the content; text beside it is held back and dropped
 *       (passed on at the finish only if the model never called the tool).</li>
 * </ul>
 * One instance per stream; not thread-safe. Pure: the caller feeds events and takes the typed events.
 */
public final class AnthropicStreamDecoder implements StreamDecoder {
    private enum Kind { TEXT, TOOL, STRUCTURED, THINKING, OTHER }

    /** An open content block: what it is, and for a tool call its OpenAI index and whether arguments went out. */
    private static final class Block {
        final Kind kind;
        final int toolIndex;
        boolean wroteArguments;

        Block(Kind kind, int toolIndex) {
            this.kind = kind;
            this.toolIndex = toolIndex;
        }
    }

    private final ProviderEndpoint provider;
    private final boolean structuredOutput;
    private final long created;
    private final AnthropicUsage usage = new AnthropicUsage();
    private final Map<Integer, Block> blocks = new HashMap<>();
    private String id = "";
    private String model;
    private int nextToolIndex;
    private boolean finished;
    /** Structured output: whether the JSON tool started, and the text held back until then (see text()). */
    private boolean structuredStarted;
    private StringBuilder heldText;
    private boolean completed;

    /**
     * @param structuredOutput the request asked for JSON through the forced tool ({@link AnthropicStructuredOutput})
     * @param model the target's model id, named when message_start names no model
     * @param created the answer's {@code created} timestamp (epoch seconds)
     */
    public AnthropicStreamDecoder(ProviderEndpoint provider, boolean structuredOutput, String model, long created) {
        this.provider = provider;
        this.structuredOutput = structuredOutput;
        this.model = model;
        this.created = created;
    }

    /** @param model the target's model id (see the constructor) */
    public static AnthropicStreamDecoder forRequest(ModelRequest req, ProviderEndpoint provider, String model, long created) {
        return new AnthropicStreamDecoder(provider, AnthropicStructuredOutput.requested(req), model, created);
    }

    /** The usage so far, complete once the stream is; null until the provider reported any. */
    @Override
    public Usage usage() {
        return usage.reported() ? usage.toUsage() : null;
    }

    /** Whether message_stop arrived; a stream that ends before it was cut off. */
    @Override
    public boolean completed() {
        return completed;
    }

    /** message_stop is Anthropic's last word: the client's stream can end at once. */
    @Override
    public boolean ended() {
        return completed;
    }

    @Override
    public void onEvent(SseEvent event, Consumer<StreamEvent> out) {
        JsonNode data = CanonicalJson.eventObject(provider, event.data());
        String type = data.path("type").asText(event.event() == null ? "" : event.event());
        switch (type) {
            case "message_start" -> {
                JsonNode message = data.path("message");
                id = message.path("id").asText(id);
                String named = message.path("model").isTextual() ? message.path("model").asText() : "";
                model = named.isEmpty() ? model : named;
                out.accept(new StreamEvent.Started(id, model, created));
                out.accept(new StreamEvent.ChoiceStarted(0));
                merge(message.get("usage"), out);
            }
            case "content_block_start" -> blockStart(data.path("index").asInt(), data.path("content_block"), out);
            case "content_block_delta" -> blockDelta(blocks.get(data.path("index").asInt()), data.path("delta"), out);
            case "content_block_stop" -> blockStop(blocks.remove(data.path("index").asInt()), out);
            case "message_delta" -> {
                String reason = AnthropicFinishReason.map(data.path("delta").path("stop_reason").asText(null), structuredOutput);
                if (reason != null) {
                    finish(reason, out);
                }
                merge(data.get("usage"), out);
            }
            case "message_stop" -> {
                completed = true;
                finish("stop", out); // only if message_delta brought no stop reason
                out.accept(usageEvent()); // the final count, zeros if Anthropic never reported any
            }
            case "error" -> throw AnthropicErrorMapper.fromStreamEvent(provider, data);
            default -> { } // ping, and event types newer than this code
        }
    }

    private void merge(JsonNode reported, Consumer<StreamEvent> out) {
        if (reported != null && reported.isObject()) {
            usage.merge(reported);
            out.accept(usageEvent());
        }
    }

    /** Anthropic counts cache writes: the canonical usage names them. */
    private StreamEvent.UsageReported usageEvent() {
        return new StreamEvent.UsageReported(usage.toUsage(), true, false);
    }

    private void blockStart(int index, JsonNode block, Consumer<StreamEvent> out) {
        switch (block.path("type").asText("")) {
            case "text" -> {
                blocks.put(index, new Block(Kind.TEXT, -1));
                text(block.path("text").asText(""), out);
            }
            case "tool_use" -> {
                if (structuredOutput && AnthropicStructuredOutput.TOOL_NAME.equals(block.path("name").asText())) {
                    // one JSON answer: a repeated tool would make the content invalid, text beside it too
                    blocks.put(index, new Block(structuredStarted ? Kind.OTHER : Kind.STRUCTURED, -1));
                    structuredStarted = true;
                    heldText = null;
                    return;
                }
                Block b = new Block(Kind.TOOL, nextToolIndex++);
                blocks.put(index, b);
                out.accept(new StreamEvent.ToolCallDelta(0, b.toolIndex, block.path("id").asText(), block.path("name").asText(), ""));
            }
            case "thinking" -> {
                blocks.put(index, new Block(Kind.THINKING, -1));
                String thinking = block.path("thinking").asText("");
                if (!thinking.isEmpty()) {
                    out.accept(new StreamEvent.ReasoningDelta(0, thinking));
                }
            }
            case "redacted_thinking" -> {
                blocks.put(index, new Block(Kind.OTHER, -1));
                out.accept(new StreamEvent.ReasoningSealed(0, "redacted_thinking", null, block.path("data").asText("")));
            }
            default -> blocks.put(index, new Block(Kind.OTHER, -1));
        }
    }

    private void blockDelta(Block b, JsonNode delta, Consumer<StreamEvent> out) {
        if (b == null) {
            return; // a delta for a block that never started: nothing to attach it to
        }
        switch (delta.path("type").asText("")) {
            case "text_delta" -> text(delta.path("text").asText(""), out);
            case "input_json_delta" -> arguments(b, delta.path("partial_json").asText(""), out);
            case "thinking_delta" -> {
                String thinking = delta.path("thinking").asText("");
                if (!thinking.isEmpty()) {
                    out.accept(new StreamEvent.ReasoningDelta(0, thinking));
                }
            }
            case "signature_delta" ->
                    out.accept(new StreamEvent.ReasoningSealed(0, "thinking", delta.path("signature").asText(""), null));
            default -> { } // citations and newer delta types have no canonical place
        }
    }

    /** A tool call whose input was empty got no argument deltas; "{}" keeps the concatenated arguments valid JSON. */
    private void blockStop(Block b, Consumer<StreamEvent> out) {
        if (b != null && !b.wroteArguments && (b.kind == Kind.TOOL || b.kind == Kind.STRUCTURED)) {
            arguments(b, "{}", out);
        }
    }

    private void arguments(Block b, String partial, Consumer<StreamEvent> out) {
        if (partial.isEmpty()) {
            return;
        }
        if (b.kind == Kind.STRUCTURED) {
            b.wroteArguments = true;
            content(partial, out);
        } else if (b.kind == Kind.TOOL) {
            b.wroteArguments = true;
            out.accept(new StreamEvent.ToolCallDelta(0, b.toolIndex, null, null, partial));
        }
    }

    private void content(String text, Consumer<StreamEvent> out) {
        if (!text.isEmpty()) {
            out.accept(new StreamEvent.TextDelta(0, text));
        }
    }

    /**
     * Text of a text block. While JSON is asked for it is held back: dropped once the JSON tool starts (it is no
     * part of a JSON answer), passed on at the finish if the model never called the tool.
     */
    private void text(String text, Consumer<StreamEvent> out) {
        if (!structuredOutput) {
            content(text, out);
        } else if (!structuredStarted && !text.isEmpty()) {
            heldText = heldText == null ? new StringBuilder() : heldText;
            heldText.append(text);
        }
    }

    private void finish(String reason, Consumer<StreamEvent> out) {
        if (finished) {
            return;
        }
        finished = true;
        if (heldText != null) {
            content(heldText.toString(), out);
            heldText = null;
        }
        out.accept(new StreamEvent.Finished(0, reason));
    }
}
