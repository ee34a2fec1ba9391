package dev.switchboard.stream;

import java.util.function.Consumer;

/**
 * Writes typed {@link StreamEvent}s as the client's stream, framed (OpenAI chunks, Anthropic events). One per
 * stream, fed from one thread.
 */
public interface StreamEncoder {
    void onEvent(StreamEvent event, Consumer<byte[]> out);

    /** The stream ends normally: closing events (e.g. the usage chunk and {@code [DONE]}, or message_stop). */
    void onEnd(Consumer<byte[]> out);
}
