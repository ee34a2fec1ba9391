package dev.switchboard.server.relay;

import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.NativePassthrough;
import dev.switchboard.routing.Target;
import dev.switchboard.server.call.Exchange;
import dev.switchboard.usage.Usage;
import io.vertx.core.buffer.Buffer;

/**
 * The attempt a {@link BodyRelay} reads a whole upstream body for, as the relay sees it: what the attempt was planned
 * with, and where each thing the body can come to is reported (the engine's attempt turns these into its outcomes).
 */
public interface BodyAttempt {
    Exchange ex();

    Target target();

    ChatAdapter adapter();

    /** The byte pass-through of this attempt, or null. */
    NativePassthrough passthrough();

    /** An answer refused by the provider's content filter fails (the route has a next target for it). */
    boolean contentFilterFallback();

    /** The attempt failed; {@code upstreamBody} is the provider's error body (for classification), or null. */
    void fail(GatewayException e, byte[] upstreamBody);

    /**
     * A whole answer in the canonical shape; {@code upstream} is the provider's body as it came (its byte view
     * {@code upstreamBytes}) with its content type.
     */
    void answer(ChatAdapter.Answer answer, byte[] upstreamBytes, Buffer upstream, String contentType);

    /** A pass-through's whole answer: the provider's bytes as they came, and the usage read from them. */
    void nativeAnswer(Buffer body, String contentType, Usage usage);

    /**
     * A pass-through's error answer, mapped to the gateway's error {@code e}, that the client may get as the provider
     * wrote it when no other attempt takes over.
     */
    void nativeError(GatewayException e, byte[] upstreamBody, int status, Buffer body, String contentType,
                     String retryAfter);
}
