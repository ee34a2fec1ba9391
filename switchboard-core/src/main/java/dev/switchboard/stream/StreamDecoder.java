package dev.switchboard.stream;

import dev.switchboard.sse.SseEvent;
import dev.switchboard.usage.Usage;
import java.util.function.Consumer;

/**
 * Turns one upstream stream's events (already framed: SSE, or a dialect's binary framing) into typed
 * {@link StreamEvent}s. One per stream, fed from one thread. Throws {@link dev.switchboard.error.GatewayException}
 * for the provider's error event (the relay ends the client's stream with it). Reports usage whenever it is known,
 * whether or not the client asked for it: writing it is the encoder's decision.
 */
public interface StreamDecoder {
    void onEvent(SseEvent event, Consumer<StreamEvent> out);

    /** The upstream stream ended normally: what the decoder held back for the end (e.g. usage reported late). */
    default void onEnd(Consumer<StreamEvent> out) {
    }

    /** Usage seen so far (null until the provider reported any). */
    Usage usage();

    /** Whether the provider's stream ended properly; a clean connection close before that is an interruption. */
    boolean completed();

    /** Whether the provider has said its last word (e.g. Anthropic's message_stop), so the client's stream can end now. */
    default boolean ended() {
        return false;
    }
}
