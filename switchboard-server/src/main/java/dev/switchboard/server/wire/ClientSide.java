package dev.switchboard.server.wire;

import dev.switchboard.governance.CallerRequest;
import io.vertx.core.buffer.Buffer;

/**
 * The client's side of one exchange, whichever transport carries it (Vert.x's HTTP server, or the gateway's own
 * Netty lane for model calls): the request's head, and the answer written back. Confined to the exchange's event loop.
 */
public interface ClientSide extends CallerRequest {
    String method();

    String path();

    /** Sets (replaces) a header of the answer; only before its head is written. */
    void putHeader(CharSequence name, CharSequence value);

    void removeHeader(CharSequence name);

    /** A whole answer: the status, the headers set so far, the body. */
    void end(int status, Buffer body);

    /** Starts a chunked answer; its head goes out with the first {@link #write}. */
    void startChunked(int status);

    void write(Buffer chunk);

    /** Ends a chunked answer, with its last bytes (null: none). */
    void endChunked(Buffer tail);

    /** The client reads slower than the answer comes: stop feeding until {@link #drainHandler} runs. */
    boolean writeQueueFull();

    void drainHandler(Runnable onDrain);

    /** Runs when the connection closes (also after a normal end). */
    void closeHandler(Runnable onClose);

    boolean headWritten();

    boolean ended();

    boolean closed();
}
