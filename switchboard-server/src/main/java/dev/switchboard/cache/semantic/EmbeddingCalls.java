package dev.switchboard.cache.semantic;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The gateway's own embeddings path, called in process: what {@code POST /v1/embeddings} does (route resolution,
 * the provider's adapter and translation, its upstream key, retries and fallbacks, limits and the usage ledger),
 * without a socket. The server provides it ({@code dev.switchboard.server.InternalEmbeddings}); the cache only
 * names a model and hands over an OpenAI embeddings request body.
 */
public interface EmbeddingCalls {
    /**
     * Sends {@code body} (an OpenAI embeddings request naming its model) as the gateway's internal caller. Completes
     * with whatever the client of {@code /v1/embeddings} would have got (an error is a status, not a failed future);
     * fails with {@link java.util.concurrent.TimeoutException} after {@code timeout}, when the call is abandoned and
     * its upstream request cancelled. Never blocks; completes on an event loop.
     */
    CompletableFuture<Answer> embed(byte[] body, Duration timeout);

    /** The status and body the call ended with. */
    record Answer(int status, byte[] body) {}
}
