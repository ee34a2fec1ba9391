package dev.switchboard.stage;

import dev.switchboard.stream.StreamTransform;

/**
 * One call's streamed answer, event by event, on its way to the client. A stage may pass events on, change them,
 * drop them, add some, or hold a few back to see what follows (text that crosses chunk boundaries) — at most
 * {@link #lookahead()} at a time: the engine ends a stream whose stage holds more with an error, so a stage can
 * never buffer a whole answer. One instance per stream, fed from one thread.
 */
public interface StreamStage extends StreamTransform {
    /** How many events this stage may hold back at once. */
    default int lookahead() {
        return 0;
    }
}
