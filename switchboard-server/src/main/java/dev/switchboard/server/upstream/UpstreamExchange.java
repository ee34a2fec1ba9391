package dev.switchboard.server.upstream;

import io.vertx.core.Future;

/** One request in flight with an upstream. */
public interface UpstreamExchange {
    /** Completes when the status line and headers arrived; fails on a connect or transport error before that. */
    Future<UpstreamResponse> response();

    /**
     * Gives up on the exchange: the connection is closed, never reused. A response still pending fails with
     * {@code cause}; a body still being read ends with the response's exception handler (as a broken connection).
     * Does nothing once the exchange is over.
     */
    void reset(Throwable cause);

    /** Whether the request was (at least partly) written to the upstream; true when the client cannot tell. */
    default boolean written() {
        return true;
    }
}
