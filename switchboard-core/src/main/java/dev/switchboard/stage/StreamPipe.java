package dev.switchboard.stage;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.stream.StreamEvent;
import java.util.function.Consumer;

/**
 * One stage's {@link StreamStage} in a call's chain of them: feeds it events, passes what it emits to the next link,
 * and holds it to its look-ahead (a stage may hold back at most that many events; more ends the stream with an
 * error, so no stage can buffer a whole answer). A stage that throws ends the stream with a clean error.
 */
public final class StreamPipe implements Consumer<StreamEvent> {
    private final String stage;
    private final StreamStage transformer;
    private final Consumer<StreamEvent> next;
    private final String requestId;
    private final Consumer<StreamEvent> counted;
    /** Events taken in and not yet matched by one passed on. */
    private int held;
    private int emitted;

    StreamPipe(String stage, StreamStage transformer, Consumer<StreamEvent> next, String requestId) {
        this.stage = stage;
        this.transformer = transformer;
        this.next = next;
        this.requestId = requestId;
        this.counted = e -> {
            emitted++;
            next.accept(e);
        };
    }

    @Override
    public void accept(StreamEvent event) {
        emitted = 0;
        try {
            transformer.onEvent(event, counted);
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failed();
        }
        held = Math.max(0, held + 1 - emitted);
        if (held > Math.max(0, transformer.lookahead())) {
            throw new GatewayException(ErrorKind.STAGE_FAILED, "Stage '" + stage + "' held back more than its look-ahead of "
                    + Math.max(0, transformer.lookahead()) + " events (request id " + requestId + ").");
        }
    }

    /** The stream ended normally: this stage, then the ones after it, pass on what they hold. */
    public void end() {
        try {
            transformer.onEnd(next);
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failed();
        }
        if (next instanceof StreamPipe p) {
            p.end();
        }
    }

    private GatewayException failed() {
        return new GatewayException(ErrorKind.STAGE_FAILED, "Stage '" + stage + "' failed (request id " + requestId + ").");
    }
}
