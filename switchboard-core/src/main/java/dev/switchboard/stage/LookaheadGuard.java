package dev.switchboard.stage;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.stream.StreamEvent;
import dev.switchboard.stream.StreamTransform;
import java.util.function.Consumer;

/**
 * One stage's {@link StreamStage} as a step of a translated stream: holds it to its look-ahead (a stage may hold
 * back at most that many events; more ends the stream with an error, so no stage can buffer a whole answer), and
 * turns anything it throws into a clean {@code stage_failed} that names the stage, never the exception's text.
 */
final class LookaheadGuard implements StreamTransform {
    private final String stage;
    private final StreamStage transformer;
    private final String requestId;
    private final int lookahead;
    /** Events taken in and not yet matched by one passed on. */
    private int held;
    private int emitted;
    private Consumer<StreamEvent> downstream;
    /** Whether the stage's hook is running: only then may it emit (the encoder is not thread-safe, nor open for good). */
    private boolean inHook;
    /** The stage emitted outside its hook, or a null event: the stream ends with its error at the next step. */
    private boolean strayed;
    private final Consumer<StreamEvent> counted = e -> {
        if (!inHook || e == null) {
            strayed = true;
            if (e == null) {
                throw failed();
            }
            return; // dropped: whatever the stream's state, it is not this caller's to write to now
        }
        emitted++;
        downstream.accept(e);
    };

    LookaheadGuard(String stage, StreamStage transformer, String requestId) {
        this.stage = stage;
        this.transformer = transformer;
        this.requestId = requestId;
        this.lookahead = Math.max(0, transformer.lookahead());
    }

    @Override
    public void onEvent(StreamEvent event, Consumer<StreamEvent> out) {
        if (strayed) {
            throw failed();
        }
        downstream = out;
        emitted = 0;
        inHook = true;
        try {
            transformer.onEvent(event, counted);
        } catch (GatewayException e) {
            throw e;
        } catch (Throwable e) { // an Error too (a plugin missing a class): the stage's failure, not the gateway's
            throw failed();
        } finally {
            inHook = false;
        }
        if (strayed) {
            throw failed();
        }
        held = Math.max(0, held + 1 - emitted);
        if (held > lookahead) {
            throw new GatewayException(ErrorKind.STAGE_FAILED, "Stage '" + stage + "' held back more than its look-ahead of "
                    + lookahead + " events (request id " + requestId + ").");
        }
    }

    @Override
    public void onEnd(Consumer<StreamEvent> out) {
        if (strayed) {
            throw failed();
        }
        downstream = out;
        inHook = true;
        try {
            transformer.onEnd(counted);
        } catch (GatewayException e) {
            throw e;
        } catch (Throwable e) { // an Error too (a plugin missing a class): the stage's failure, not the gateway's
            throw failed();
        } finally {
            inHook = false;
        }
        if (strayed) {
            throw failed();
        }
    }

    private GatewayException failed() {
        return new GatewayException(ErrorKind.STAGE_FAILED, "Stage '" + stage + "' failed (request id " + requestId + ").");
    }
}
