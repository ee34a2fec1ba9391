/**
 * The relays that read or stream an upstream answer: {@code BodyRelay} (a whole body, gathered by
 * {@code BodyCollector}, reported to a {@code BodyAttempt}), {@code StreamRelay} and its two kinds, {@code SseRelay}
 * (re-framed in the client's dialect) and {@code NativeSseRelay} (byte for byte). Depends on the call's state
 * ({@code dev.switchboard.server.call}), never on the engine: what they report goes back through
 * {@code BodyAttempt}, a {@code call.Guard} and plain callbacks.
 */
package dev.switchboard.server.relay;
