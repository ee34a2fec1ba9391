package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.StreamDecoder;
import dev.switchboard.stream.StreamEvent;
import dev.switchboard.usage.OpenAiUsageReader;
import dev.switchboard.usage.Usage;
import java.io.IOException;
import java.util.BitSet;
import java.util.function.Consumer;

/**
 * Canonical (OpenAI-compatible) {@code chat.completion.chunk}s as typed events, for a client of another dialect or
 * a stage that reads the answer (an OpenAI client with nothing to read gets the bytes spliced through instead). Per
 * chunk, in the order an encoder needs them: the answer's start (first chunk), usage, then per choice its start, its
 * reasoning, sealed thinking blocks, text, tool-call pieces and finish. {@code [DONE]}, named events and what is not a
 * JSON object carry nothing; a chunk with an {@code error} is thrown as a GatewayException (the stream failed). One per stream, fed from one thread.
 */
final class OpenAiChunkDecoder implements StreamDecoder {
    private final String model;
    private final BitSet choicesStarted = new BitSet();
    private boolean started;
    private Usage usage;

    /** @param model the target's model id, for an answer that names none ("" to leave it unnamed) */
    OpenAiChunkDecoder(String model) {
        this.model = model;
    }

    @Override
    public void onEvent(SseEvent event, Consumer<StreamEvent> out) {
        if (event.event() != null || event.isDone() || event.data() == null || !event.data().startsWith("{")) {
            return;
        }
        JsonNode chunk;
        try {
            chunk = Json.MAPPER.readTree(event.data());
        } catch (IOException e) {
            return; // not a chunk: nothing any dialect could say about it
        }
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            // an OpenAI-compatible server's error mid-stream: the stream failed (as Anthropic's and Gemini's error
            // events do), never a clean end a client or a cache would take as the whole answer; its text is not echoed
            throw new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, 502,
                    "The provider's stream ended with an error.", null, null);
        }
        if (!started) {
            started = true;
            out.accept(new StreamEvent.Started(chunk.path("id").asText(""), modelOf(chunk), chunk.path("created").asLong(0)));
        }
        JsonNode u = chunk.get("usage");
        if (u != null && u.isObject()) {
            usage = OpenAiUsageReader.read(u);
            out.accept(new StreamEvent.UsageReported(usage, u.has("cache_creation_input_tokens"),
                    u.has("completion_tokens_details")));
        }
        JsonNode choices = chunk.path("choices");
        for (int i = 0; i < choices.size(); i++) {
            choice(choices.get(i), i, out);
        }
    }

    private void choice(JsonNode c, int position, Consumer<StreamEvent> out) {
        int index = c.path("index").asInt(position);
        if (index >= 0 && !choicesStarted.get(index)) {
            choicesStarted.set(index);
            out.accept(new StreamEvent.ChoiceStarted(index));
        }
        JsonNode delta = c.path("delta");
        String reasoning = delta.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) {
            out.accept(new StreamEvent.ReasoningDelta(index, reasoning));
        }
        for (JsonNode t : delta.path("thinking_blocks")) {
            out.accept(new StreamEvent.ReasoningSealed(index, t.path("type").asText("thinking"), textOrNull(t, "signature"),
                    textOrNull(t, "data")));
        }
        String text = delta.path("content").asText("");
        if (!text.isEmpty()) {
            out.accept(new StreamEvent.TextDelta(index, text));
        }
        for (JsonNode call : delta.path("tool_calls")) {
            JsonNode fn = call.path("function");
            out.accept(new StreamEvent.ToolCallDelta(index, call.path("index").asInt(0), textOrNull(call, "id"),
                    textOrNull(fn, "name"), fn.path("arguments").asText("")));
        }
        JsonNode finish = c.get("finish_reason");
        if (finish != null && finish.isTextual()) {
            out.accept(new StreamEvent.Finished(index, finish.asText()));
        }
    }

    /** The chunk's model; the target's for a chunk that names none ({@link OpenAiAnswerModel}); null if unknown. */
    private String modelOf(JsonNode chunk) {
        JsonNode m = chunk.get("model");
        String named = m != null && m.isTextual() ? m.asText() : null;
        if ((named == null || named.isEmpty()) && !model.isEmpty() && chunk.has("choices")) {
            return model;
        }
        return named;
    }

    private static String textOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    @Override
    public Usage usage() {
        return usage;
    }

    /** OpenAI-compatible servers differ on [DONE]; a clean end of the HTTP body is taken as the end. */
    @Override
    public boolean completed() {
        return true;
    }
}
