package dev.switchboard.cache.semantic;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bundled in-process model: all-MiniLM-L6-v2 (ONNX, 384 dimensions, English), shipped inside a Maven artifact,
 * so the semantic cache works offline with no provider configured. It runs on its own small pool with a bounded
 * queue: a burst of lookups past the queue is refused (a miss), never queued without end. The model (90 MB) is
 * loaded on the pool's first task, never on the caller's thread.
 */
public final class MiniLmEmbedder implements Embedder {
    /** The model's window is 256 word pieces; about 4 characters a piece in English text. */
    public static final int DEFAULT_MAX_CHARS = 1000;

    private static final String MODEL = "all-minilm-l6-v2";
    private static final int DIMENSIONS = 384;

    private final ThreadPoolExecutor pool;
    private final int maxChars;
    private volatile EmbeddingModel loaded;

    /** One thread per two cores (at least one), 64 texts queued, {@link #DEFAULT_MAX_CHARS}. */
    public MiniLmEmbedder() {
        this(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), 64, DEFAULT_MAX_CHARS);
    }

    /**
     * @param threads  how many texts are embedded at once
     * @param queue    how many wait; more are refused
     * @param maxChars the longest text embedded whole
     */
    public MiniLmEmbedder(int threads, int queue, int maxChars) {
        if (threads < 1 || queue < 1 || maxChars < 1) {
            throw new IllegalArgumentException("threads, queue and maxChars must be positive");
        }
        this.maxChars = maxChars;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, "switchboard-embed-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public CompletableFuture<Embedding> embed(String text) {
        // supplyAsync throws RejectedExecutionException itself when the queue is full: turn it into a failed future
        try {
            return CompletableFuture.supplyAsync(() -> embedNow(text), pool);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Embedding embedNow(String text) {
        boolean truncated = text.length() > maxChars;
        String input = truncated ? cut(text, maxChars) : text;
        if (input.isBlank()) {
            return new Embedding(new float[DIMENSIONS], truncated);
        }
        float[] v = loaded().embed(input).content().vector();
        return new Embedding(Vectors.normalize(v), truncated);
    }

    /** The first {@code max} chars, not splitting a surrogate pair. */
    static String cut(String text, int max) {
        int end = max;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    private EmbeddingModel loaded() {
        EmbeddingModel m = loaded;
        if (m == null) {
            synchronized (this) {
                m = loaded;
                if (m == null) {
                    // the calling (pool) thread runs single-text embeddings itself
                    m = loaded = new AllMiniLmL6V2EmbeddingModel(Runnable::run);
                }
            }
        }
        return m;
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    @Override
    public int maxChars() {
        return maxChars;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
