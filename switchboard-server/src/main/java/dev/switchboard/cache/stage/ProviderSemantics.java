package dev.switchboard.cache.stage;

import dev.switchboard.cache.semantic.EmbeddingCalls;
import dev.switchboard.cache.semantic.LuceneSemanticIndex;
import dev.switchboard.cache.semantic.PersistedSemanticIndex;
import dev.switchboard.cache.semantic.ProviderEmbedder;
import dev.switchboard.cache.semantic.SemanticCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One gateway's semantic caches whose embeddings come from a provider's model ({@code semantic.embedder}): one
 * embedder and one index per model and vector length, held by the stages that use it. A reload that keeps the model
 * and vector length keeps the index (its new timeout or bounds tune the embedder); once no stage holds one (a reload
 * changed or removed its embedder and the old stages are closed), its index is closed (committed when kept in a
 * folder, else its memory freed, off the event loop) and its meters removed. Each one's calls are counted in
 * {@code switchboard.cache.semantic.embeddings}, by model (a configured name) and result.
 */
final class ProviderSemantics {
    /** One model's cache, its embedder and its meters (guarded by the owner's lock). */
    private static final class Made {
        final String indexId;
        final String model;
        final ProviderEmbedder embedder;
        final SemanticCache cache;
        List<Meter> meters = List.of();
        boolean closed;

        Made(String indexId, String model, ProviderEmbedder embedder, SemanticCache cache) {
            this.indexId = indexId;
            this.model = model;
            this.embedder = embedder;
            this.cache = cache;
        }
    }

    private final Shared<Made> caches = new Shared<>(this::forget, this::closeLater);
    /**
     * Indexes being closed, by id: one opened again meanwhile (a reload brought its model back) opens its folder only
     * once the old one has let go of it (Lucene's write lock), in the background.
     */
    private final java.util.Map<String, java.util.concurrent.CompletableFuture<Void>> closing =
            new java.util.concurrent.ConcurrentHashMap<>();
    private volatile EmbeddingCalls calls;
    /** Where indexes are kept across restarts (null: in memory), one folder per model, vector length and form. */
    private volatile java.nio.file.Path root;
    /** Guarded by this; taken under {@link #caches}' lock, never the reverse. */
    private MeterRegistry registry;

    /** The server's embeddings path, once it runs (until then a provider embedder's lookups are misses). */
    void calls(EmbeddingCalls calls) {
        this.calls = calls;
    }

    void keepIndexesIn(java.nio.file.Path root) {
        this.root = root;
    }

    /** Removes the entries in {@code scope} from every index (on the caller's thread: off the event loop). */
    void purge(dev.switchboard.cache.store.CachePurge scope) {
        // one index closing meanwhile (a reload retired it) does not keep the others from being purged
        caches.values().forEach(c -> GatewayCaches.quietly("purging the semantic index of " + c.model, () -> c.cache.purge(scope)));
    }

    /** A hold on the semantic cache of {@code s}'s model, made on first use, tuned to {@code s}. */
    Shared.Lease<SemanticCache> hold(EmbedderSettings s) {
        return tuned(caches.hold(s.indexId(), () -> make(s)), s);
    }

    /** A hold on it when it is open (tuned to {@code s}), else null. */
    Shared.Lease<SemanticCache> holdIfOpen(EmbedderSettings s) {
        return tuned(caches.holdIfOpen(s.indexId()), s);
    }

    private Shared.Lease<SemanticCache> tuned(Shared.Lease<Made> l, EmbedderSettings s) {
        if (l == null) {
            return null;
        }
        try {
            l.thing().embedder.tune(s.tuning());
            register(l.thing());
        } catch (RuntimeException e) { // the hold is given back, never kept by a stage that did not get it
            l.release();
            throw e;
        }
        return l.map(m -> m.cache);
    }

    private Made make(EmbedderSettings s) {
        ProviderEmbedder e = new ProviderEmbedder(s.model(), s.dimensions(), s.sendDimensions(), s.tuning(), () -> calls);
        java.nio.file.Path r = root;
        java.util.concurrent.CompletableFuture<Void> previous = closing.get(s.indexId());
        return new Made(s.indexId(), s.model(), e, new SemanticCache(e, r == null
                ? new LuceneSemanticIndex(e.dimensions(), 100_000, 256L << 20)
                : PersistedSemanticIndex.open(r, s.indexId(), e.dimensions(), 100_000, 256L << 20,
                        previous == null ? java.util.concurrent.CompletableFuture.completedFuture(null) : previous)));
    }

    void bindMetrics(MeterRegistry registry) {
        synchronized (this) {
            this.registry = registry;
        }
        caches.values().forEach(this::register);
    }

    private synchronized void register(Made m) {
        if (registry != null && !m.closed && m.meters.isEmpty()) {
            m.meters = meters(registry, m.model, m.embedder);
        }
    }

    /** Nobody holds it: its meters go; another open index of the same model name takes them over. */
    private void forget(Made gone) {
        List<Made> same = caches.values().stream().filter(m -> m.model.equals(gone.model)).toList();
        synchronized (this) {
            gone.closed = true;
            if (registry != null) {
                gone.meters.forEach(registry::remove);
                same.forEach(m -> m.meters = List.of()); // it shared the removed meters (same name and tags)
            }
            gone.meters = List.of();
        }
        same.forEach(this::register);
    }

    /** Closing an index commits it or waits for its folder: never on the caller's thread (maybe an event loop). */
    private void closeLater(Made m) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        closing.put(m.indexId, done);
        GatewayCaches.CLOSER.execute(() -> {
            try {
                GatewayCaches.quietly("closing the semantic index of " + m.model, m.cache::close);
            } finally {
                closing.remove(m.indexId, done);
                done.complete(null);
            }
        });
    }

    private static List<Meter> meters(MeterRegistry registry, String model, ProviderEmbedder e) {
        ProviderEmbedder.Counts c = e.counts();
        List<Meter> out = new ArrayList<>();
        out.add(count(registry, model, "embedded", c.embedded));
        out.add(count(registry, model, "busy", c.busy));
        out.add(count(registry, model, "timeout", c.timeouts));
        out.add(count(registry, model, "error", c.errors));
        out.add(count(registry, model, "malformed", c.malformed));
        out.add(Gauge.builder("switchboard.cache.semantic.embeddings.peak.in.flight", e, ProviderEmbedder::peakInFlight)
                .description("The most embedding calls the semantic cache had in flight at once").tag("model", model)
                .register(registry));
        return out;
    }

    private static Meter count(MeterRegistry registry, String model, String result, LongAdder n) {
        return FunctionCounter.builder("switchboard.cache.semantic.embeddings", n, LongAdder::sum)
                .description("The semantic cache's calls to a provider's embedding model: embedded, or a miss because "
                        + "busy (bound reached), timeout, error (an error answer) or malformed (not a usable vector)")
                .tag("model", model).tag("result", result).register(registry);
    }

    /** The gateway is closing (on its closing thread, not an event loop). */
    void close() {
        caches.clear().forEach(m -> GatewayCaches.quietly("closing the semantic index of " + m.model, m.cache::close));
    }
}
