package dev.switchboard.server.upstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Upstream connections in use per provider, over all event loops of one gateway instance, held against each
 * provider's {@code max_connections}. One request in flight holds one HTTP/1.1 connection, so counting calls counts
 * connections. Meters: {@code switchboard.upstream.connections.in_use} (gauge) and
 * {@code switchboard.upstream.connections.refused} (counter), labelled with the configured provider name only.
 * Thread-safe: one lookup and one atomic update per call, no lock.
 */
public final class ProviderConnections implements Shareable {
    private static final String SHARED = "switchboard.provider-connections";
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Gate> gates = new ConcurrentHashMap<>();

    ProviderConnections(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The one instance of a gateway (its Vert.x instance), shared by its event loops' verticles. */
    public static ProviderConnections shared(Vertx vertx, MeterRegistry registry) {
        LocalMap<String, ProviderConnections> map = vertx.sharedData().getLocalMap(SHARED);
        ProviderConnections mine = new ProviderConnections(registry);
        ProviderConnections before = map.putIfAbsent(SHARED, mine);
        return before != null ? before : mine;
    }

    /** The gate of a configured provider (created, with its meters, on first use). */
    public Gate gate(String provider) {
        Gate g = gates.get(provider);
        return g != null ? g : gates.computeIfAbsent(provider, this::register);
    }

    private Gate register(String provider) {
        Gate g = new Gate(Counter.builder("switchboard.upstream.connections.refused")
                .description("Upstream calls refused because the provider's max_connections were in use")
                .tag("gen_ai.provider.name", provider)
                .register(registry));
        Gauge.builder("switchboard.upstream.connections.in_use", g.inUse, AtomicInteger::get)
                .description("Upstream connections in use per provider (requests in flight)")
                .tag("gen_ai.provider.name", provider)
                .register(registry);
        return g;
    }

    /** One provider's count. */
    public static final class Gate {
        private final AtomicInteger inUse = new AtomicInteger();
        private final Counter refused;

        private Gate(Counter refused) {
            this.refused = refused;
        }

        /** Takes a connection unless {@code max} (> 0) are in use; 0 = no cap, only counted. */
        public boolean tryAcquire(int max) {
            if (max <= 0) {
                inUse.incrementAndGet();
                return true;
            }
            int n;
            do {
                n = inUse.get();
                if (n >= max) {
                    refused.increment();
                    return false;
                }
            } while (!inUse.compareAndSet(n, n + 1));
            return true;
        }

        public void release() {
            inUse.decrementAndGet();
        }

        int inUse() {
            return inUse.get();
        }
    }
}
