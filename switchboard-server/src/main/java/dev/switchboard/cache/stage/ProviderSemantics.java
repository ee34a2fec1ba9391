package dev.switchboard.cache.stage;

import dev.switchboard.cache.semantic.EmbeddingCalls;
import dev.switchboard.cache.semantic.LuceneSemanticIndex;
import dev.switchboard.cache.semantic.PersistedSemanticIndex;
import dev.switchboard.cache.semantic.ProviderEmbedder;
import dev.switchboard.cache.semantic.SemanticCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One gateway's semantic caches whose embeddings come from a provider's model ({@code semantic.embedder}): one
 * embedder and one index per model and vector length, kept across reloads (a reload's new timeout or bounds tune the
 * embedder; its index stays). Each one's calls are counted in {@code switchboard.cache.semantic.embeddings}, by
 * model (a configured name) and result.
 */
final class ProviderSemantics {
    private final Map<String, SemanticCache> caches = new ConcurrentHashMap<>();
    private final Map<String, ProviderEmbedder> embedders = new ConcurrentHashMap<>();
    private volatile EmbeddingCalls calls;
    /** Where indexes are kept across restarts (null: in memory), one folder per model, vector length and form. */
    private volatile java.nio.file.Path root;
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
        caches.values().forEach(c -> c.purge(scope));
    }

    /** The semantic cache of {@code s}'s model, made on first use, tuned to {@code s}. */
    SemanticCache of(EmbedderSettings s) {
        SemanticCache c = caches.get(s.indexId());
        if (c == null) {
            synchronized (this) {
                c = caches.get(s.indexId());
                if (c == null) {
                    ProviderEmbedder e = new ProviderEmbedder(s.model(), s.dimensions(), s.sendDimensions(), s.tuning(),
                            () -> calls);
                    java.nio.file.Path r = root;
                    c = new SemanticCache(e, r == null ? new LuceneSemanticIndex(e.dimensions(), 100_000, 256L << 20)
                            : PersistedSemanticIndex.open(r, s.indexId(), e.dimensions(), 100_000, 256L << 20));
                    embedders.put(s.indexId(), e);
                    caches.put(s.indexId(), c);
                    if (registry != null) {
                        meters(registry, s.model(), e);
                    }
                    return c;
                }
            }
        }
        embedders.get(s.indexId()).tune(s.tuning());
        return c;
    }

    synchronized void bindMetrics(MeterRegistry registry) {
        this.registry = registry;
        embedders.forEach((id, e) -> meters(registry, id.substring(0, id.indexOf('|')), e));
    }

    private static void meters(MeterRegistry registry, String model, ProviderEmbedder e) {
        ProviderEmbedder.Counts c = e.counts();
        count(registry, model, "embedded", c.embedded);
        count(registry, model, "busy", c.busy);
        count(registry, model, "timeout", c.timeouts);
        count(registry, model, "error", c.errors);
        count(registry, model, "malformed", c.malformed);
        Gauge.builder("switchboard.cache.semantic.embeddings.peak.in.flight", e, ProviderEmbedder::peakInFlight)
                .description("The most embedding calls the semantic cache had in flight at once").tag("model", model)
                .register(registry);
    }

    private static void count(MeterRegistry registry, String model, String result, LongAdder n) {
        FunctionCounter.builder("switchboard.cache.semantic.embeddings", n, LongAdder::sum)
                .description("The semantic cache's calls to a provider's embedding model: embedded, or a miss because "
                        + "busy (bound reached), timeout, error (an error answer) or malformed (not a usable vector)")
                .tag("model", model).tag("result", result).register(registry);
    }

    void close() {
        caches.values().forEach(SemanticCache::close);
    }
}
