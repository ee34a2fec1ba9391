package dev.switchboard.cache.stage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Things one gateway opened for its cache stages (stores, provider semantic caches, feeds), by what defines them,
 * each counted by the stages that hold it. The last holder to let go closes it and it is forgotten, so a reload that
 * changed a stage's settings frees what the old settings opened once the old stages are closed. Thread-safe.
 */
final class Shared<T> {
    /** One stage's hold on a thing; letting go twice counts once. */
    static final class Lease<T> {
        private final T thing;
        private final Runnable letGo;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(T thing, Runnable letGo) {
            this.thing = thing;
            this.letGo = letGo;
        }

        T thing() {
            return thing;
        }

        /** The same hold, giving a part of the thing. */
        <U> Lease<U> map(java.util.function.Function<T, U> part) {
            return new Lease<>(part.apply(thing), this::release);
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                letGo.run();
            }
        }
    }

    private static final class Entry<T> {
        final T thing;
        int holders;

        Entry(T thing) {
            this.thing = thing;
        }
    }

    /** Guarded by this. */
    private final Map<String, Entry<T>> open = new LinkedHashMap<>();
    /** Undoes what names a thing nobody holds any more (its meters), under the lock: the name is free after it. */
    private final Consumer<T> forget;
    /** Closes a thing nobody holds any more; called outside the lock. */
    private final Consumer<T> closer;

    Shared(Consumer<T> forget, Consumer<T> closer) {
        this.forget = forget;
        this.closer = closer;
    }

    /** A hold on the thing {@code id}, made by {@code make} when none is open (under the lock). */
    synchronized Lease<T> hold(String id, Supplier<T> make) {
        Entry<T> e = open.get(id);
        if (e == null) {
            e = new Entry<>(make.get());
            open.put(id, e);
        }
        return lease(id, e);
    }

    /** A hold on the thing {@code id} when it is open, else null (nothing is made). */
    synchronized Lease<T> holdIfOpen(String id) {
        Entry<T> e = open.get(id);
        return e == null ? null : lease(id, e);
    }

    private Lease<T> lease(String id, Entry<T> e) {
        e.holders++;
        return new Lease<>(e.thing, () -> release(id, e));
    }

    private void release(String id, Entry<T> e) {
        synchronized (this) {
            if (--e.holders > 0 || open.get(id) != e) {
                return; // still held, or already closed with the gateway
            }
            open.remove(id);
            GatewayCaches.quietly("removing the meters of a released item", () -> forget.accept(e.thing));
        }
        closer.accept(e.thing);
    }

    /** What is open now. */
    synchronized List<T> values() {
        List<T> out = new ArrayList<>(open.size());
        open.values().forEach(e -> out.add(e.thing));
        return out;
    }

    /** The gateway is closing: everything open, forgotten (the caller closes it; later releases do nothing). */
    synchronized List<T> clear() {
        List<T> out = values();
        open.clear();
        out.forEach(forget);
        return out;
    }
}
