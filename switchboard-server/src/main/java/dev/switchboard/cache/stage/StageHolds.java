package dev.switchboard.cache.stage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What one cache stage holds of its gateway's shared things (its store, its provider semantic cache, its feed), each
 * taken once. Closing the stage lets go of each once, newest first (a feed before the index it feeds); a stage closed
 * before it took anything lets go of nothing, and one closed takes nothing more.
 */
final class StageHolds {
    /** Guarded by this; in the order taken. */
    private final Map<Object, Shared.Lease<?>> held = new LinkedHashMap<>();
    private boolean closed;

    /**
     * What this stage holds under {@code key}, taken with {@code take} the first time (which may give null: nothing
     * to hold yet); null when the stage is closed (the caller goes without: a miss, a skipped write).
     */
    @SuppressWarnings("unchecked")
    synchronized <T> T hold(Object key, Supplier<Shared.Lease<T>> take) {
        if (closed) {
            return null;
        }
        Shared.Lease<T> l = (Shared.Lease<T>) held.get(key);
        if (l == null) {
            l = take.get();
            if (l == null) {
                return null;
            }
            held.put(key, l);
        }
        return l.thing();
    }

    /** Whether the stage holds something under {@code key}. */
    synchronized boolean holds(Object key) {
        return held.containsKey(key);
    }

    /** Lets go of everything, once. */
    void close() {
        List<Shared.Lease<?>> leases;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            leases = new ArrayList<>(held.values());
            held.clear();
        }
        Collections.reverse(leases);
        for (Shared.Lease<?> l : leases) { // one that fails to close never keeps the others held
            GatewayCaches.quietly("releasing a stage's hold", l::release);
        }
    }
}
