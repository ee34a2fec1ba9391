package dev.switchboard.server;

import dev.switchboard.cache.semantic.EmbeddingCalls;
import dev.switchboard.server.wire.ClientSide;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The client side of a call the gateway makes to itself (the semantic cache's embeddings): no socket; the answer the
 * engine writes completes a future instead. Abandoning it (a timeout) is what a client closing its connection is to
 * the engine: the upstream request is cancelled and the call recorded as 499. Confined to the call's event loop.
 */
final class InternalClientSide implements ClientSide {
    /** More than any embeddings answer of one text; a stream (never asked for) past it is cut. */
    private static final int MAX_CHUNKED = 16 << 20;

    private final CompletableFuture<EmbeddingCalls.Answer> answer;
    private Runnable onClose;
    private boolean headWritten;
    private boolean ended;
    private boolean closed;
    private int chunkedStatus;
    private Buffer chunks;

    InternalClientSide(CompletableFuture<EmbeddingCalls.Answer> answer) {
        this.answer = answer;
    }

    /** The caller stopped waiting: the engine lets the call go as if its client had left. */
    void abandon() {
        if (ended || closed) {
            return;
        }
        closed = true;
        answer.completeExceptionally(new TimeoutException("the internal call took too long"));
        if (onClose != null) {
            onClose.run();
        }
    }

    @Override
    public String header(String name) {
        return null;
    }

    @Override
    public List<String> headers(String name) {
        return List.of();
    }

    @Override
    public String remoteAddress() {
        return null;
    }

    @Override
    public String method() {
        return "POST";
    }

    @Override
    public String path() {
        return "/v1/embeddings";
    }

    @Override
    public void putHeader(CharSequence name, CharSequence value) {
        // nobody reads the answer's headers
    }

    @Override
    public void removeHeader(CharSequence name) {
        // nothing was kept
    }

    @Override
    public void end(int status, Buffer body) {
        if (ended || closed) {
            return;
        }
        ended = true;
        headWritten = true;
        answer.complete(new EmbeddingCalls.Answer(status, body == null ? new byte[0] : body.getBytes()));
    }

    @Override
    public void startChunked(int status) {
        chunkedStatus = status;
        chunks = Buffer.buffer();
    }

    @Override
    public void write(Buffer chunk) {
        headWritten = true;
        if (chunks != null && chunks.length() + chunk.length() <= MAX_CHUNKED) {
            chunks.appendBuffer(chunk);
        }
    }

    @Override
    public void endChunked(Buffer tail) {
        if (tail != null) {
            write(tail);
        }
        end(chunkedStatus == 0 ? 502 : chunkedStatus, chunks);
    }

    @Override
    public boolean writeQueueFull() {
        return false;
    }

    @Override
    public void drainHandler(Runnable onDrain) {
        // never full
    }

    @Override
    public void closeHandler(Runnable onClose) {
        this.onClose = onClose;
    }

    @Override
    public boolean headWritten() {
        return headWritten;
    }

    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public boolean closed() {
        return closed;
    }
}
