package dev.switchboard.stream;

import java.util.function.Consumer;

/**
 * One step between a stream's decoder and its encoder: sees each typed event and passes on what the client should
 * get (the event as is, changed, several, or none yet: held back to see what follows). One per stream, fed from one
 * thread. The seam where answer-path stages hook into a translated stream.
 */
public interface StreamTransform {
    void onEvent(StreamEvent event, Consumer<StreamEvent> out);

    /** The stream ends normally: what was held back goes out now. */
    default void onEnd(Consumer<StreamEvent> out) {
    }
}
