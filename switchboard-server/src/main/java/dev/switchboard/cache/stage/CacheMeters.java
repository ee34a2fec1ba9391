package dev.switchboard.cache.stage;

import dev.switchboard.cache.store.CacheStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The caches' meters, read from their counters at scrape time (nothing on the request path). Labels: a stage's
 * configured name and a lookup's result; a store's backend and the stage that opened it. Never a client value.
 */
final class CacheMeters {
    private final MeterRegistry registry;

    CacheMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void stage(String stage, LookupCounters c) {
        lookups(stage, "hit", c.hits);
        lookups(stage, "miss", c.misses);
        lookups(stage, "bypass", c.bypasses);
    }

    private void lookups(String stage, String result, LongAdder n) {
        FunctionCounter.builder("switchboard.cache.lookups", n, LongAdder::sum)
                .description("Cache stage lookups: hit (answered from the cache), miss (went upstream), bypass (not cacheable or the client said no-store)")
                .tag("stage", stage).tag("result", result).register(registry);
    }

    void store(GatewayCaches.Opened o) {
        counter(o, "switchboard.cache.writes", "Answers stored", s -> s.stores());
        counter(o, "switchboard.cache.evictions", "Entries dropped to stay within the byte bound (in-process store)", s -> s.evictions());
        counter(o, "switchboard.cache.expiries", "Entries dropped because their TTL passed (in-process store)", s -> s.expiries());
        counter(o, "switchboard.cache.too.large", "Answers not stored: over the entry size limit", s -> s.tooLarge());
        counter(o, "switchboard.cache.failures", "Store reads and writes that failed or timed out (each a miss or a skipped write)", s -> s.failures());
        if (o.backend().equals("memory")) {
            gauge(o, "switchboard.cache.stored.bytes", "Bytes the in-process store holds", s -> s.bytes());
            gauge(o, "switchboard.cache.entries", "Entries the in-process store holds", s -> s.entries());
        } else { // Redis shares its memory with other instances: what this one wrote, not what is held
            counter(o, "switchboard.cache.written.bytes", "Bytes this instance wrote to the shared store", s -> s.bytes());
        }
    }

    private void counter(GatewayCaches.Opened o, String name, String help, ToDoubleFunction<CacheStats> f) {
        FunctionCounter.builder(name, o, x -> f.applyAsDouble(x.store().stats())).description(help)
                .tag("store", o.name()).tag("backend", o.backend()).register(registry);
    }

    private void gauge(GatewayCaches.Opened o, String name, String help, ToDoubleFunction<CacheStats> f) {
        Gauge.builder(name, o, x -> f.applyAsDouble(x.store().stats())).description(help)
                .tag("store", o.name()).tag("backend", o.backend()).register(registry);
    }
}
