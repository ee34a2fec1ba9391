package dev.switchboard.provider;

import dev.switchboard.sse.SseEvent;
import dev.switchboard.sse.SseParser;
import java.util.function.Consumer;

/**
 * Splits an upstream stream's bytes into events for its {@link StreamTranslator}: server-sent events for most
 * dialects ({@link #sse}), a binary framing for others (e.g. Bedrock's event-stream), chosen by
 * {@link ChatAdapter#newFraming}. One per stream; not thread-safe.
 */
public interface StreamFraming {
    /** Feeds bytes as they arrive; whole events go to the listener. Throws IllegalStateException if unparseable. */
    void feed(byte[] bytes);

    /** Whether bytes of an unfinished event are held (a stream ending there was cut off). */
    boolean hasPartialEvent();

    static StreamFraming sse(Consumer<SseEvent> listener) {
        SseParser parser = new SseParser(listener);
        return new StreamFraming() {
            @Override
            public void feed(byte[] bytes) {
                parser.feed(bytes);
            }

            @Override
            public boolean hasPartialEvent() {
                return parser.hasPartialEvent();
            }
        };
    }
}
