package dev.switchboard.provider;

import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.StreamEncoder;
import dev.switchboard.usage.Usage;
import java.util.function.Consumer;

/**
 * Turns one upstream event stream into the client's event stream, event by event: what the relay drives. Usually a
 * {@link TypedStream} (a provider's decoder into a client dialect's encoder); for the canonical dialect on both
 * sides, a pass-through. One instance per stream, fed from one thread.
 */
public interface StreamTranslator {
    /**
     * Feeds one upstream event; {@code out} receives zero or more client events, already framed.
     * Throws {@link dev.switchboard.error.GatewayException} for an error event from the provider.
     */
    void onEvent(SseEvent event, Consumer<byte[]> out);

    /**
     * Called once when the stream ends normally, before the client's stream is closed: a translator that holds
     * events back until the end (e.g. one that re-encodes for another client dialect) writes them here.
     */
    default void onEnd(Consumer<byte[]> out) {
    }

    /** Usage seen so far (null until the provider reported any). */
    Usage usage();

    /** Whether the provider's stream ended properly; a clean connection close before that is an interruption. */
    boolean completed();

    /**
     * Whether the provider's stream has said its last word (e.g. Anthropic's message_stop), so the client's stream
     * can end now instead of when the upstream connection closes: a client hangs up after the end marker, and a
     * stream it got whole must not be counted as abandoned. Dialects without a reliable end marker keep the default.
     */
    default boolean ended() {
        return false;
    }

    /**
     * The same answer written by another client dialect's encoder, from typed events (never by parsing this one's
     * output). Called before the first event. Default: a translator that cannot be re-encoded.
     */
    default StreamTranslator withEncoder(StreamEncoder encoder) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be re-encoded");
    }
}
