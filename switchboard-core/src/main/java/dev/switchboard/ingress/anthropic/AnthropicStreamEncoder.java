package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import dev.switchboard.sse.SseEncoder;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Turns canonical chunks (OpenAI chat.completion.chunk JSON) into Anthropic's event sequence: message_start,
 * then per content block content_block_start, deltas (text_delta, thinking_delta, signature_delta,
 * input_json_delta) and content_block_stop, a ping after the first block starts, and at the end message_delta
 * (stop_reason and usage) and message_stop. The end waits for {@code [DONE]} or {@link #finish}, because the
 * canonical usage chunk comes after the finish_reason. Translated providers report usage only at the end, so
 * message_start carries the gateway's estimate of the prompt as {@code input_tokens} (clients such as LangChain's
 * ChatAnthropic read it there) and message_delta the provider's counts, cumulative as in Anthropic's own streams
 * (the estimate again if the provider reported none). One instance per stream, fed from one thread.
 */
public final class AnthropicStreamEncoder {
    private enum Block { NONE, TEXT, THINKING, TOOL }

    private final String requestedModel;
    private final long promptEstimate;
    private boolean started;
    private boolean pinged;
    private boolean finished;
    private int nextIndex;
    private Block open = Block.NONE;
    private int openToolCall = -1;
    private String stopReason;
    private JsonNode usage;

    /** @param promptEstimate the gateway's estimate of the input tokens, reported until the provider's count is known */
    public AnthropicStreamEncoder(String requestedModel, long promptEstimate) {
        this.requestedModel = requestedModel;
        this.promptEstimate = Math.max(0, promptEstimate);
    }

    /** Feeds the data of one canonical event ({@code [DONE]} included). */
    public void onChunk(String data, Consumer<byte[]> out) {
        if (finished) {
            return;
        }
        if ("[DONE]".equals(data)) {
            finish(out);
            return;
        }
        JsonNode chunk;
        try {
            chunk = Json.MAPPER.readTree(data);
        } catch (IOException e) {
            return; // not a chunk (e.g. a comment-like payload): nothing to say in Anthropic's terms
        }
        start(chunk, out);
        JsonNode u = chunk.get("usage");
        if (u != null && u.isObject()) {
            usage = u;
        }
        JsonNode choice = chunk.path("choices").path(0);
        if (choice.isMissingNode()) {
            return;
        }
        delta(choice.path("delta"), out);
        String finish = choice.path("finish_reason").asText(null);
        if (finish != null && !choice.path("finish_reason").isNull()) {
            closeBlock(out);
            stopReason = AnthropicStopReason.fromFinishReason(finish);
        }
    }

    /** Ends the message: closes an open block, then message_delta and message_stop. Idempotent. */
    public void finish(Consumer<byte[]> out) {
        if (finished) {
            return;
        }
        start(null, out);
        closeBlock(out);
        finished = true;
        ObjectNode delta = Json.MAPPER.createObjectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", stopReason == null ? "end_turn" : stopReason).putNull("stop_sequence");
        delta.set("usage", usage == null ? estimatedUsage() : AnthropicUsageEncoder.encode(usage));
        emit("message_delta", delta, out);
        emit("message_stop", Json.MAPPER.createObjectNode().put("type", "message_stop"), out);
    }

    public boolean finished() {
        return finished;
    }

    private void start(JsonNode chunk, Consumer<byte[]> out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode event = Json.MAPPER.createObjectNode().put("type", "message_start");
        ObjectNode message = event.putObject("message");
        message.put("id", AnthropicResponseEncoder.messageId(chunk == null ? "" : chunk.path("id").asText("")));
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", chunk == null ? requestedModel : chunk.path("model").asText(requestedModel));
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        // The canonical stream reports usage at its end (some servers send zeros before): the estimate until then.
        JsonNode u = chunk == null ? null : chunk.get("usage");
        ObjectNode early = u != null && u.isObject() ? AnthropicUsageEncoder.encode(u) : null;
        boolean counted = early != null && (early.path("input_tokens").asLong() > 0
                || early.path("cache_read_input_tokens").asLong() > 0 || early.path("cache_creation_input_tokens").asLong() > 0);
        message.set("usage", counted ? early : estimatedUsage());
        emit("message_start", event, out);
    }

    private ObjectNode estimatedUsage() {
        return AnthropicUsageEncoder.encode(null).put("input_tokens", promptEstimate);
    }

    private void delta(JsonNode delta, Consumer<byte[]> out) {
        String reasoning = delta.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) {
            ensure(Block.THINKING, -1, null, out);
            blockDelta(Json.MAPPER.createObjectNode().put("type", "thinking_delta").put("thinking", reasoning), out);
        }
        for (JsonNode t : delta.path("thinking_blocks")) {
            if (t.hasNonNull("signature") && open == Block.THINKING) {
                blockDelta(Json.MAPPER.createObjectNode().put("type", "signature_delta")
                        .put("signature", t.path("signature").asText()), out);
            }
        }
        String text = delta.path("content").asText("");
        if (!text.isEmpty()) {
            ensure(Block.TEXT, -1, null, out);
            blockDelta(Json.MAPPER.createObjectNode().put("type", "text_delta").put("text", text), out);
        }
        for (JsonNode call : delta.path("tool_calls")) {
            int index = call.path("index").asInt(0);
            if (open != Block.TOOL || openToolCall != index) {
                ensure(Block.TOOL, index, call, out);
            }
            String args = call.path("function").path("arguments").asText("");
            if (!args.isEmpty()) {
                blockDelta(Json.MAPPER.createObjectNode().put("type", "input_json_delta").put("partial_json", args), out);
            }
        }
    }

    /** Opens a block of the given kind unless one is open already, closing the previous one. */
    private void ensure(Block kind, int toolCall, JsonNode call, Consumer<byte[]> out) {
        if (open == kind && kind != Block.TOOL) {
            return;
        }
        closeBlock(out);
        ObjectNode event = Json.MAPPER.createObjectNode().put("type", "content_block_start").put("index", nextIndex);
        ObjectNode block = event.putObject("content_block");
        switch (kind) {
            case TEXT -> block.put("type", "text").put("text", "");
            case THINKING -> block.put("type", "thinking").put("thinking", "").put("signature", "");
            case TOOL -> {
                block.put("type", "tool_use");
                block.put("id", call.path("id").asText(""));
                block.put("name", call.path("function").path("name").asText(""));
                block.putObject("input");
            }
            default -> throw new IllegalStateException();
        }
        emit("content_block_start", event, out);
        open = kind;
        openToolCall = toolCall;
        if (!pinged) {
            pinged = true;
            emit("ping", Json.MAPPER.createObjectNode().put("type", "ping"), out);
        }
    }

    private void blockDelta(ObjectNode delta, Consumer<byte[]> out) {
        ObjectNode event = Json.MAPPER.createObjectNode().put("type", "content_block_delta").put("index", nextIndex);
        event.set("delta", delta);
        emit("content_block_delta", event, out);
    }

    private void closeBlock(Consumer<byte[]> out) {
        if (open == Block.NONE) {
            return;
        }
        emit("content_block_stop", Json.MAPPER.createObjectNode().put("type", "content_block_stop").put("index", nextIndex), out);
        open = Block.NONE;
        openToolCall = -1;
        nextIndex++;
    }

    private static void emit(String type, ObjectNode data, Consumer<byte[]> out) {
        try {
            out.accept(SseEncoder.encode(type, Json.MAPPER.writeValueAsString(data)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
