package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.json.Json;
import dev.switchboard.provider.StreamTranslator;
import dev.switchboard.provider.TypedStream;
import dev.switchboard.sse.SseEncoder;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.StreamEncoder;
import dev.switchboard.usage.OpenAiUsageReader;
import dev.switchboard.usage.Usage;
import dev.switchboard.usage.UsageScanner;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * An OpenAI stream to an OpenAI client: every event passes through; usage is read from the chunk that
 * carries it (only chunks with a non-null {@code usage} are parsed), and the usage-only chunk the gateway
 * asked for on its own account is dropped. A chunk that names no model gets the target's model id
 * ({@link OpenAiAnswerModel}).
 */
final class OpenAiStreamPassthrough implements StreamTranslator {
    private final boolean stripUsageChunk;
    private final String model;
    private Usage usage;

    /** @param model the target's model id, for chunks that name none ("" to leave them as they are) */
    OpenAiStreamPassthrough(boolean stripUsageChunk, String model) {
        this.stripUsageChunk = stripUsageChunk;
        this.model = model;
    }

    @Override
    public void onEvent(SseEvent event, Consumer<byte[]> out) {
        if (!event.isDone() && event.event() == null && UsageScanner.mayCarryUsage(event.data())) {
            if (readUsage(event.data()) && stripUsageChunk) {
                return;
            }
        }
        if (!event.isDone() && event.event() == null && event.data() != null && event.data().startsWith("{")) {
            String named = OpenAiAnswerModel.namedChunk(event.data(), model);
            if (named != event.data()) {
                out.accept(SseEncoder.data(named));
                return;
            }
        }
        out.accept(SseEncoder.encode(event));
    }

    @Override
    public Usage usage() {
        return usage;
    }

    /** Another client dialect reads the same events through {@link OpenAiChunkDecoder} instead. */
    @Override
    public StreamTranslator withEncoder(StreamEncoder encoder) {
        return new TypedStream(new OpenAiChunkDecoder(model), encoder);
    }

    /** OpenAI-compatible servers differ on [DONE]; a clean end of the HTTP body is taken as the end. */
    @Override
    public boolean completed() {
        return true;
    }

    /** Reads usage from a chunk; true when the chunk is only the usage chunk (no choices). */
    private boolean readUsage(String data) {
        try {
            JsonNode chunk = Json.MAPPER.readTree(data);
            Usage u = OpenAiUsageReader.read(chunk.get("usage"));
            if (u != null) {
                usage = u;
            }
            JsonNode choices = chunk.get("choices");
            return u != null && (choices == null || (choices.isArray() && choices.isEmpty()));
        } catch (IOException e) {
            return false;
        }
    }
}
