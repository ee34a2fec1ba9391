package dev.switchboard.cache.stage;

import dev.switchboard.cache.store.CacheStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
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

    /** Registers a store's meters; the handles, to remove them when the store is closed. */
    List<Meter> store(GatewayCaches.Opened o) {
        List<Meter> m = new ArrayList<>();
        counter(m, o, "switchboard.cache.writes", "Answers stored", s -> s.stores());
        counter(m, o, "switchboard.cache.evictions", "Entries dropped to stay within the byte bound (in-process store)", s -> s.evictions());
        counter(m, o, "switchboard.cache.expiries", "Entries dropped because their TTL passed (in-process store)", s -> s.expiries());
        counter(m, o, "switchboard.cache.too.large", "Answers not stored: over the entry size limit", s -> s.tooLarge());
        counter(m, o, "switchboard.cache.failures", "Store reads and writes that failed or timed out (each a miss or a skipped write)", s -> s.failures());
        if (o.backend().equals("memory")) {
            gauge(m, o, "switchboard.cache.stored.bytes", "Bytes the in-process store holds", s -> s.bytes());
            gauge(m, o, "switchboard.cache.entries", "Entries the in-process store holds", s -> s.entries());
        } else { // Redis shares its memory with other instances: what this one wrote, not what is held
            counter(m, o, "switchboard.cache.written.bytes", "Bytes this instance wrote to the shared store", s -> s.bytes());
        }
        return m;
    }

    /** Removes meters of a closed store (a later scrape no longer shows its series). */
    void remove(List<Meter> meters) {
        meters.forEach(registry::remove);
    }

    private void counter(List<Meter> m, GatewayCaches.Opened o, String name, String help, ToDoubleFunction<CacheStats> f) {
        m.add(FunctionCounter.builder(name, o, x -> f.applyAsDouble(x.store().stats())).description(help)
                .tag("store", o.name()).tag("backend", o.backend()).register(registry));
    }

    private void gauge(List<Meter> m, GatewayCaches.Opened o, String name, String help, ToDoubleFunction<CacheStats> f) {
        m.add(Gauge.builder(name, o, x -> f.applyAsDouble(x.store().stats())).description(help)
                .tag("store", o.name()).tag("backend", o.backend()).register(registry));
    }
}
