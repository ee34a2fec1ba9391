package dev.switchboard.cache.semantic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedding model behind a configured provider, called through the gateway's own embeddings path
 * ({@link EmbeddingCalls}: routing, the provider's adapter, its key, retries and fallbacks). A lookup never waits
 * beyond its {@link Tuning#timeout()} and never fans out without bound: at most {@link Tuning#concurrency()} calls
 * are in flight, {@link Tuning#queue()} more wait, and past that the text is refused at once (a miss). A call that
 * fails, times out or answers with anything but {@link #dimensions()} finite numbers is a miss too, counted in
 * {@link #counts()}; nothing of it reaches the client. Answers are read on the embedder's own small pool, off the
 * event loop, where the caller's index search then runs as well.
 */
public final class ProviderEmbedder implements Embedder {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderEmbedder.class);
    private static final JsonFactory JSON = new JsonFactory();
    /** How long past its timeout a call that never ended still holds its place. */
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * What may change on a config reload without a new index.
     *
     * @param timeout     how long a text may wait and be embedded, in all
     * @param maxChars    longer texts are cut (and then not answered by meaning)
     * @param concurrency calls in flight at most
     * @param queue       texts waiting at most for a call; more are refused
     */
    public record Tuning(Duration timeout, int maxChars, int concurrency, int queue) {
        public Tuning {
            if (timeout.isNegative() || timeout.isZero() || maxChars < 1 || concurrency < 1 || queue < 0) {
                throw new IllegalArgumentException("timeout, maxChars and concurrency must be positive, queue at least 0");
            }
        }
    }

    /** How calls ended, for metrics. */
    public static final class Counts {
        public final LongAdder embedded = new LongAdder();
        /** Refused at once: the in-flight calls and the queue were full. */
        public final LongAdder busy = new LongAdder();
        public final LongAdder timeouts = new LongAdder();
        /** The gateway's call ended with an error status (the provider's error, no route, a limit). */
        public final LongAdder errors = new LongAdder();
        /** An answer that was not {@link #dimensions()} finite numbers. */
        public final LongAdder malformed = new LongAdder();
    }

    private final String model;
    private final int dimensions;
    private final boolean sendDimensions;
    private final Supplier<EmbeddingCalls> calls;
    private final Counts counts = new Counts();
    private final ThreadPoolExecutor readers;
    private volatile Tuning tuning;
    /** Guarded by itself; with {@link #inFlight}. */
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int inFlight;
    /** Guarded by {@link #waiting}: a thread is starting waiting texts (others leave it to that one). */
    private boolean draining;
    private final AtomicInteger peak = new AtomicInteger();
    private volatile long lastWarning;

    /**
     * @param model          the public model name (a {@code provider/model} or a route), as a client would send it
     * @param dimensions     the length of its vectors
     * @param sendDimensions ask for {@code dimensions} in the request (OpenAI's text-embedding-3 models shorten)
     * @param calls          the gateway's embeddings path (null until the server has started: a miss)
     */
    public ProviderEmbedder(String model, int dimensions, boolean sendDimensions, Tuning tuning,
                            Supplier<EmbeddingCalls> calls) {
        if (model == null || model.isBlank() || dimensions < 1) {
            throw new IllegalArgumentException("a model and positive dimensions are required");
        }
        this.model = model;
        this.dimensions = dimensions;
        this.sendDimensions = sendDimensions;
        this.calls = calls;
        this.tuning = tuning;
        AtomicInteger n = new AtomicInteger();
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
        // one reading per call in flight at most (concurrency goes up to 4,096, more than a fixed queue of 1,024
        // held): unbounded here, bounded by the calls, so a paid answer is never refused for want of room
        this.readers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "switchboard-embed-answer-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        readers.allowCoreThreadTimeOut(true);
    }

    /** A reload's new tunables (the model and its vectors stay: the index is kept). */
    public void tune(Tuning next) {
        if (next.equals(tuning)) {
            return; // every lookup passes here: the same settings cost a comparison, no lock
        }
        this.tuning = next;
        drain();
    }

    @Override
    public CompletableFuture<Embedding> embed(String text) {
        Tuning t = tuning;
        boolean truncated = text.length() > t.maxChars();
        String input = truncated ? MiniLmEmbedder.cut(text, t.maxChars()) : text;
        if (input.isBlank()) {
            return CompletableFuture.completedFuture(new Embedding(new float[dimensions], truncated));
        }
        CompletableFuture<Embedding> out = new CompletableFuture<>();
        long deadline = System.nanoTime() + t.timeout().toNanos();
        Runnable start = () -> call(request(input), deadline, truncated, out);
        synchronized (waiting) {
            if (inFlight < t.concurrency()) {
                inFlight++;
                peak.accumulateAndGet(inFlight, Math::max);
            } else if (waiting.size() < t.queue()) {
                waiting.addLast(start);
                // a text that waits past its time is a miss now, not when a call frees up
                out.completeOnTimeout(null, t.timeout().toNanos(), TimeUnit.NANOSECONDS);
                return out.thenCompose(e -> e != null ? CompletableFuture.completedFuture(e)
                        : CompletableFuture.failedFuture(timedOut()));
            } else {
                counts.busy.increment();
                return CompletableFuture.failedFuture(new RejectedExecutionException("embedding calls are all busy"));
            }
        }
        start.run();
        return out;
    }

    private TimeoutException timedOut() {
        counts.timeouts.increment();
        return new TimeoutException("no embedding within the timeout");
    }

    private void call(byte[] body, long deadline, boolean truncated, CompletableFuture<Embedding> out) {
        long left = deadline - System.nanoTime();
        EmbeddingCalls gateway = calls.get();
        if (out.isDone() || left <= 0 || gateway == null) { // it waited past its time, or no gateway (yet)
            if (!out.isDone() && gateway == null) {
                counts.errors.increment();
                out.completeExceptionally(new IllegalStateException("the gateway's embeddings path is not running"));
            } else if (!out.isDone()) {
                out.completeExceptionally(timedOut());
            }
            finished();
            return;
        }
        CompletableFuture<EmbeddingCalls.Answer> answer;
        try {
            // the path promises to end by the timeout; a grace second later the place is given back regardless
            answer = gateway.embed(body, Duration.ofNanos(left)).orTimeout(left + GRACE_NANOS, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((a, err) -> {
            finished();
            if (err != null) {
                if (err instanceof TimeoutException || err.getCause() instanceof TimeoutException) {
                    out.completeExceptionally(timedOut());
                } else {
                    counts.errors.increment();
                    warn("the embeddings call failed (" + err.getClass().getSimpleName() + ")");
                    out.completeExceptionally(err);
                }
                return;
            }
            try {
                readers.execute(() -> read(a, truncated, out));
            } catch (RejectedExecutionException e) {
                counts.busy.increment();
                out.completeExceptionally(e);
            }
        });
    }

    /** On a reader thread: the answer's vector, or why there is none. */
    private void read(EmbeddingCalls.Answer a, boolean truncated, CompletableFuture<Embedding> out) {
        if (a.status() != 200) {
            counts.errors.increment();
            warn("the embeddings call answered " + a.status());
            out.completeExceptionally(new IllegalStateException("embeddings call answered " + a.status()));
            return;
        }
        try {
            float[] v = EmbeddingAnswer.vector(a.body(), dimensions);
            counts.embedded.increment();
            out.complete(new Embedding(Vectors.normalize(v), truncated));
        } catch (EmbeddingAnswer.Malformed e) {
            counts.malformed.increment();
            warn("the embeddings answer is unusable: " + e.getMessage());
            out.completeExceptionally(e);
        }
    }

    /** One call is over: the next waiting text (if any) takes its place. */
    private void finished() {
        synchronized (waiting) {
            inFlight--;
        }
        drain();
    }

    /**
     * Starts waiting texts while places are free. One thread at a time: a waiting text whose lookup is already over
     * ends at once and calls here again, and so would a call that fails at once; without the flag each would nest one
     * level deeper, and a long queue of them overflowed the stack, leaving places taken for good.
     */
    private void drain() {
        synchronized (waiting) {
            if (draining) {
                return; // the draining thread sees the freed place before it stops
            }
            draining = true;
        }
        boolean done = false;
        try {
            while (true) {
                Runnable next;
                synchronized (waiting) {
                    if (waiting.isEmpty() || inFlight >= tuning.concurrency()) {
                        draining = false;
                        done = true;
                        return;
                    }
                    next = waiting.pollFirst();
                    inFlight++;
                    peak.accumulateAndGet(inFlight, Math::max);
                }
                next.run();
            }
        } finally {
            if (!done) {
                synchronized (waiting) {
                    draining = false;
                }
            }
        }
    }

    /** At most one warning a minute: a dead provider must not flood the log. Never the answer's text or a key. */
    private void warn(String what) {
        long now = System.nanoTime();
        if (now - lastWarning > TimeUnit.MINUTES.toNanos(1)) {
            lastWarning = now;
            LOG.warn("semantic cache: {} for model '{}'; lookups are misses meanwhile", what, model);
        }
    }

    /** An OpenAI embeddings request for one text, floats. */
    private byte[] request(String input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(input.length() + 128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeStringField("input", input);
            g.writeStringField("encoding_format", "float");
            if (sendDimensions) {
                g.writeNumberField("dimensions", dimensions);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public Counts counts() {
        return counts;
    }

    /** The most calls that were ever in flight at once. */
    public int peakInFlight() {
        return peak.get();
    }

    /** The configured model name: vectors of another model (or another length) are never compared with these. */
    @Override
    public String model() {
        return "provider:" + model + ":" + dimensions;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public int maxChars() {
        return tuning.maxChars();
    }

    @Override
    public void close() {
        readers.shutdownNow();
    }
}
