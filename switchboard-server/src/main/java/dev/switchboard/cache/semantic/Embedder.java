package dev.switchboard.cache.semantic;

import java.util.concurrent.CompletableFuture;

/**
 * Turns a text into a unit vector (L2 norm 1), so a dot product is the cosine similarity. Embedding is CPU-heavy
 * (milliseconds), so it never runs on the caller's thread: the future completes on the embedder's own bounded
 * pool, and fails with {@link java.util.concurrent.RejectedExecutionException} when that pool's queue is full (the
 * semantic lookup is then a miss, never a wait). Thread-safe.
 */
public interface Embedder extends AutoCloseable {
    /** The unit vector of {@code text}; work is bounded by {@link #maxChars()} (longer texts are cut). */
    CompletableFuture<Embedding> embed(String text);

    /** The model's name: vectors of two models are never compared (the index is per model). */
    String model();

    /** The length of every vector. */
    int dimensions();

    /** The longest text embedded whole: what fits the model's window. Longer texts are cut to it. */
    int maxChars();

    @Override
    void close();

    /**
     * @param vector    unit vector
     * @param truncated whether the text was cut to {@link #maxChars()}: its tail was not compared, so a cache
     *                  should not answer it by meaning
     */
    record Embedding(float[] vector, boolean truncated) {}
}
