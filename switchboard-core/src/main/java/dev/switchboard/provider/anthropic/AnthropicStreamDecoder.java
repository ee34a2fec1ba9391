package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.provider.CanonicalJson;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.usage.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one Anthropic event stream into canonical {@code chat.completion.chunk} JSON, event by event.
 * <ul>
 *   <li>The first chunk carries the role; text, tool-call arguments and thinking follow as they arrive.</li>
 *   <li>Anthropic numbers content blocks of every kind; OpenAI numbers tool calls only, so each tool_use block
 *       gets the next tool-call {@code index} (0, 1, 2…), and its {@code id} and name go in its first delta only.</li>
 *   <li>Exactly one chunk carries {@code finish_reason}; when usage was asked for, a last chunk with
 *       {@code choices: []} carries it. {@code [DONE]} is the relay's to write.</li>
 *   <li>An {@code error} event is thrown as a {@link GatewayException} (e.g. overloaded: 503, retryable).</li>
 *   <li>Structured output: the forced JSON tool's input is the content; text beside it is held back and dropped
 *       (passed on at the finish only if the model never called the tool).</li>
 * </ul>
 * One instance per stream; not thread-safe. Pure: the caller feeds events and writes the chunks.
 */
public final class AnthropicStreamDecoder {
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
    private final boolean includeUsage;
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
     * @param includeUsage emit the final usage chunk (the client asked for it with stream_options.include_usage)
     * @param structuredOutput the request asked for JSON through the forced tool ({@link AnthropicStructuredOutput})
     * @param created the chunks' {@code created} timestamp (epoch seconds)
     */
    public AnthropicStreamDecoder(ProviderEndpoint provider, boolean includeUsage, boolean structuredOutput, long created) {
        this(provider, includeUsage, structuredOutput, "", created);
    }

    /** @param model the target's model id, named when message_start names no model */
    public AnthropicStreamDecoder(ProviderEndpoint provider, boolean includeUsage, boolean structuredOutput, String model,
                                  long created) {
        this.provider = provider;
        this.includeUsage = includeUsage;
        this.structuredOutput = structuredOutput;
        this.model = model;
        this.created = created;
    }

    /** @param model the target's model id (see the constructor) */
    public static AnthropicStreamDecoder forRequest(ModelRequest req, ProviderEndpoint provider, String model, long created) {
        return new AnthropicStreamDecoder(provider, req.clientRequestedUsage(), AnthropicStructuredOutput.requested(req),
                model, created);
    }

    /** The usage so far, complete once the stream is; null until the provider reported any (as StreamTranslator says). */
    public Usage usage() {
        return usage.reported() ? usage.toUsage() : null;
    }

    /** Whether message_stop arrived; a stream that ends before it was cut off. */
    public boolean completed() {
        return completed;
    }

    /** The chunks (JSON text) this event becomes, often none. */
    public List<String> decode(SseEvent event) {
        JsonNode data = CanonicalJson.eventObject(provider, event.data());
        String type = data.path("type").asText(event.event() == null ? "" : event.event());
        List<String> out = new ArrayList<>(2);
        switch (type) {
            case "message_start" -> {
                JsonNode message = data.path("message");
                id = message.path("id").asText(id);
                String named = message.path("model").isTextual() ? message.path("model").asText() : "";
                model = named.isEmpty() ? model : named;
                usage.merge(message.get("usage"));
                ObjectNode delta = Json.MAPPER.createObjectNode();
                delta.put("role", "assistant");
                delta.put("content", "");
                out.add(chunk(delta, null));
            }
            case "content_block_start" -> blockStart(data.path("index").asInt(), data.path("content_block"), out);
            case "content_block_delta" -> blockDelta(blocks.get(data.path("index").asInt()), data.path("delta"), out);
            case "content_block_stop" -> blockStop(blocks.remove(data.path("index").asInt()), out);
            case "message_delta" -> {
                usage.merge(data.get("usage"));
                String reason = AnthropicFinishReason.map(data.path("delta").path("stop_reason").asText(null), structuredOutput);
                if (reason != null) {
                    finish(reason, out);
                }
            }
            case "message_stop" -> {
                completed = true;
                finish("stop", out); // only if message_delta brought no stop reason
                if (includeUsage) {
                    out.add(usageChunk());
                }
            }
            case "error" -> throw AnthropicErrorMapper.fromStreamEvent(provider, data);
            default -> { } // ping, and event types newer than this code
        }
        return out;
    }

    private void blockStart(int index, JsonNode block, List<String> out) {
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
                out.add(chunk(toolCallDelta(b, block.path("id").asText(), block.path("name").asText(), ""), null));
            }
            case "thinking" -> {
                blocks.put(index, new Block(Kind.THINKING, -1));
                String thinking = block.path("thinking").asText("");
                if (!thinking.isEmpty()) {
                    out.add(chunk(Json.MAPPER.createObjectNode().put("reasoning_content", thinking), null));
                }
            }
            case "redacted_thinking" -> {
                blocks.put(index, new Block(Kind.OTHER, -1));
                out.add(chunk(thinkingBlockDelta("redacted_thinking", "data", block.path("data").asText("")), null));
            }
            default -> blocks.put(index, new Block(Kind.OTHER, -1));
        }
    }

    private void blockDelta(Block b, JsonNode delta, List<String> out) {
        if (b == null) {
            return; // a delta for a block that never started: nothing to attach it to
        }
        switch (delta.path("type").asText("")) {
            case "text_delta" -> text(delta.path("text").asText(""), out);
            case "input_json_delta" -> arguments(b, delta.path("partial_json").asText(""), out);
            case "thinking_delta" -> {
                String thinking = delta.path("thinking").asText("");
                if (!thinking.isEmpty()) {
                    out.add(chunk(Json.MAPPER.createObjectNode().put("reasoning_content", thinking), null));
                }
            }
            case "signature_delta" ->
                    out.add(chunk(thinkingBlockDelta("thinking", "signature", delta.path("signature").asText("")), null));
            default -> { } // citations and newer delta types have no canonical place
        }
    }

    /** A tool call whose input was empty got no argument deltas; "{}" keeps the concatenated arguments valid JSON. */
    private void blockStop(Block b, List<String> out) {
        if (b != null && !b.wroteArguments && (b.kind == Kind.TOOL || b.kind == Kind.STRUCTURED)) {
            arguments(b, "{}", out);
        }
    }

    private void arguments(Block b, String partial, List<String> out) {
        if (partial.isEmpty()) {
            return;
        }
        if (b.kind == Kind.STRUCTURED) {
            b.wroteArguments = true;
            content(partial, out);
        } else if (b.kind == Kind.TOOL) {
            b.wroteArguments = true;
            out.add(chunk(toolCallDelta(b, null, null, partial), null));
        }
    }

    /** A delta with one tool call; {@code id} and {@code name} only on the call's first delta. */
    private static ObjectNode toolCallDelta(Block b, String id, String name, String arguments) {
        ObjectNode delta = Json.MAPPER.createObjectNode();
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", b.toolIndex);
        if (id != null) {
            call.put("id", id);
            call.put("type", "function");
        }
        ObjectNode function = call.putObject("function");
        if (name != null) {
            function.put("name", name);
        }
        function.put("arguments", arguments);
        return delta;
    }

    /**
     * A delta with one entry of the {@code thinking_blocks} extension. The thinking text itself already went out as
     * {@code reasoning_content}; the signature (or a redacted block) is what a client needs to send the block back.
     */
    private static ObjectNode thinkingBlockDelta(String type, String field, String value) {
        ObjectNode delta = Json.MAPPER.createObjectNode();
        ObjectNode block = delta.putArray("thinking_blocks").addObject();
        block.put("type", type);
        block.put(field, value);
        return delta;
    }

    private void content(String text, List<String> out) {
        if (!text.isEmpty()) {
            out.add(chunk(Json.MAPPER.createObjectNode().put("content", text), null));
        }
    }

    /**
     * Text of a text block. While JSON is asked for it is held back: dropped once the JSON tool starts (it is no
     * part of a JSON answer), passed on at the finish if the model never called the tool.
     */
    private void text(String text, List<String> out) {
        if (!structuredOutput) {
            content(text, out);
        } else if (!structuredStarted && !text.isEmpty()) {
            heldText = heldText == null ? new StringBuilder() : heldText;
            heldText.append(text);
        }
    }

    private void finish(String reason, List<String> out) {
        if (finished) {
            return;
        }
        finished = true;
        if (heldText != null) {
            content(heldText.toString(), out);
            heldText = null;
        }
        out.add(chunk(Json.MAPPER.createObjectNode(), reason));
    }

    private String chunk(ObjectNode delta, String finishReason) {
        ObjectNode c = CanonicalJson.chunkHeader(id, created, model);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.put("finish_reason", finishReason);
        return CanonicalJson.text(c);
    }

    private String usageChunk() {
        ObjectNode c = CanonicalJson.chunkHeader(id, created, model);
        c.putArray("choices");
        c.set("usage", usage.toOpenAi());
        return CanonicalJson.text(c);
    }
}
