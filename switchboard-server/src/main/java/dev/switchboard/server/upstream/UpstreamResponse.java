package dev.switchboard.server.upstream;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * An upstream answer whose head has arrived; its body follows piece by piece as it is read (never buffered whole).
 * Handlers are set once, right after the head arrives, on the event loop.
 */
public interface UpstreamResponse {
    int statusCode();

    /** The first value of a header (case-insensitive), or null. */
    String getHeader(String name);

    UpstreamResponse handler(Handler<Buffer> chunk);

    UpstreamResponse endHandler(Handler<Void> end);

    /** A transport failure (or a reset) before the body ended. */
    UpstreamResponse exceptionHandler(Handler<Throwable> failure);

    /** Stops reading from the connection until {@link #resume()}; what is already decoded waits too. */
    void pause();

    void resume();
}
