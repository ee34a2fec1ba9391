package dev.switchboard.cache.stage;

import dev.switchboard.cache.semantic.PersistedSemanticIndex;
import dev.switchboard.cache.semantic.SemanticCache;
import dev.switchboard.cache.semantic.SemanticIndex;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * The semantic index's meters, read at scrape time (zero until a stage makes the index): its entries, whether it is
 * kept on disk, and whether its folder was found unreadable at start (set aside, see docs/cache-semantic.md).
 */
final class SemanticMeters {
    private SemanticMeters() {}

    static void bind(MeterRegistry registry, GatewayCaches caches) {
        Gauge.builder("switchboard.cache.semantic.entries", caches, c -> read(c, i -> i.stats().entries()))
                .description("Entries the semantic index holds").register(registry);
        Gauge.builder("switchboard.cache.semantic.index.on.disk", caches,
                        c -> read(c, i -> i instanceof PersistedSemanticIndex p && p.onDisk() ? 1 : 0))
                .description("1 when the semantic index is kept in its folder (survives a restart), 0 in memory")
                .register(registry);
        FunctionCounter.builder("switchboard.cache.semantic.index.unreadable", caches,
                        c -> read(c, i -> i instanceof PersistedSemanticIndex p && p.foundUnreadable() ? 1 : 0))
                .description("Semantic index folders found unreadable at start (renamed aside; the index started empty)")
                .register(registry);
    }

    private static double read(GatewayCaches caches, ToDoubleFunction<SemanticIndex> f) {
        SemanticCache s = caches.semanticIfMade();
        return s == null ? 0 : f.applyAsDouble(s.index());
    }
}
