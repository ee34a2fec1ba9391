package dev.switchboard.stream;

import dev.switchboard.sse.SseEvent;
import dev.switchboard.sse.SseParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: a provider's decoder into the canonical encoder, as an OpenAI client's stream would be written, with
 * each chunk's JSON text given back (framing and {@code [DONE]} left out). The end runs only for a stream that
 * finished, as the relay does.
 */
public final class ChunkPipe {
    private final StreamDecoder decoder;
    private final CanonicalChunkEncoder encoder;
    private final List<String> out = new ArrayList<>();

    public ChunkPipe(StreamDecoder decoder, boolean includeUsage) {
        this.decoder = decoder;
        this.encoder = new CanonicalChunkEncoder(includeUsage);
    }

    /** The chunks one upstream event becomes. */
    public List<String> feed(SseEvent event) {
        out.clear();
        decoder.onEvent(event, e -> encoder.onEvent(e, this::add));
        return List.copyOf(out);
    }

    /** The chunks written at the end of a stream that finished (none for one that did not). */
    public List<String> end() {
        out.clear();
        if (decoder.completed() || decoder.ended()) {
            decoder.onEnd(e -> encoder.onEvent(e, this::add));
            encoder.onEnd(this::add);
        }
        return List.copyOf(out);
    }

    /** A whole server-sent event stream's chunks, the end's included. */
    public static List<String> all(StreamDecoder decoder, boolean includeUsage, byte[] sse) {
        ChunkPipe pipe = new ChunkPipe(decoder, includeUsage);
        List<String> chunks = new ArrayList<>();
        new SseParser(e -> chunks.addAll(pipe.feed(e))).feed(sse);
        chunks.addAll(pipe.end());
        return chunks;
    }

    /** The typed events one upstream event becomes. */
    public static List<StreamEvent> events(StreamDecoder decoder, SseEvent event) {
        List<StreamEvent> events = new ArrayList<>();
        decoder.onEvent(event, events::add);
        return events;
    }

    private void add(byte[] framed) {
        String s = new String(framed, StandardCharsets.UTF_8);
        if (!s.startsWith("data: ") || !s.endsWith("\n\n")) {
            throw new AssertionError("not a canonical data event: " + s);
        }
        String data = s.substring(6, s.length() - 2);
        if (!data.equals("[DONE]")) {
            out.add(data);
        }
    }
}
