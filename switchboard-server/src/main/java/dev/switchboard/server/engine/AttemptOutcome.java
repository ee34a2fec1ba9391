package dev.switchboard.server.engine;

import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.usage.Usage;
import io.vertx.core.buffer.Buffer;

/**
 * What one upstream attempt came to, as the {@link AttemptRunner} reports it to the {@link RoutedCall}: a whole answer
 * ready to go out, a relayed stream that ended, or a failure before any of the answer reached the client.
 */
sealed interface AttemptOutcome {

    /** A whole (non-stream) answer, not yet written to the client. */
    sealed interface Whole extends AttemptOutcome permits Answer, NativeAnswer {}

    /**
     * A whole answer in the canonical shape (usage included, estimated where the provider reports none), to be encoded
     * in the client's dialect. {@code upstream} is the provider's body as it came, with its content type: it goes out
     * as is when the client's dialect leaves the canonical bytes untouched ({@code upstreamBytes} is its byte view).
     */
    record Answer(ChatAdapter.Answer answer, byte[] upstreamBytes, Buffer upstream, String contentType) implements Whole {}

    /** A whole answer of a byte pass-through: the provider's bytes as they came, and the usage read from them. */
    record NativeAnswer(Buffer body, String contentType, Usage usage) implements Whole {}

    /** A relayed stream ended: normally, or broken after its first byte (the exchange records which). */
    record Streamed() implements AttemptOutcome {}

    /**
     * The attempt failed before any of its answer reached the client.
     *
     * @param upstreamBody  the provider's error body (for classification), or null
     * @param nativeError   a pass-through's error answer the client may get as the provider wrote it, when no other
     *                      attempt takes over; null otherwise
     * @param streamPending a stream relay waits for the verdict: if no other attempt takes over, it ends the stream
     *                      with the error event itself
     */
    record Failure(GatewayException error, byte[] upstreamBody, NativeError nativeError, boolean streamPending)
            implements AttemptOutcome {
        Failure(GatewayException error) {
            this(error, null, null, false);
        }
    }

    /** A provider's error answer as it came: status, body, content type and Retry-After. */
    record NativeError(int status, Buffer body, String contentType, String retryAfter) {}
}
