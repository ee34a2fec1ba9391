package dev.switchboard.server.auth;

import io.vertx.core.Future;

/** Where verification keys come from. {@link #current()} is a memory read, safe on an event loop. */
public interface KeySource {
    KeyRing current();

    /**
     * Called when a token names a kid the current ring lacks. A source that can fetch may do so (rate-limited) and
     * completes with the ring to retry with; otherwise it completes with the current ring.
     */
    Future<KeyRing> refreshForUnknownKid();

    /** Starts background work (initial fetch, timers); completes when keys are available. */
    default Future<Void> start() {
        return Future.succeededFuture();
    }

    default Future<Void> close() {
        return Future.succeededFuture();
    }
}
