package dev.switchboard.limits;

import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Wakes requests queued for room on a scope when this process gives room back there (a refund or a release applied
 * to the counters). It wakes one waiter at a time, earliest first: a woken waiter that is admitted wakes the next
 * ({@link #wakeFirst}), one refused on that scope goes back to the head of its queue, so a refund that frees room for
 * n requests admits n waiters with n + 1 counter calls, not one call per waiter. Waking costs O(log n) per waiter.
 * <p>Refunds applied by other processes (a shared Redis) are not seen here: a signal with a poll interval also wakes
 * each waiting scope's first waiter about that often (with jitter, so instances do not poll in step), one timer per
 * scope with waiters, none per waiter. Holds no threads; a waiter's {@link Waiter#wake} must hand off to its own
 * context and return at once.
 */
public final class RoomSignal {
    /** A request waiting for room. */
    interface Waiter {
        /** Arrival order: earlier waiters are woken first. Unique per signal's users. */
        long order();

        /** It has been taken off {@code scopeId}'s queue: retry now (on the waiter's context, not the caller's). */
        void wake(String scopeId);
    }

    private static final Comparator<Waiter> EARLIEST_FIRST = Comparator.comparingLong(Waiter::order);

    private final Map<String, NavigableSet<Waiter>> queues = new ConcurrentHashMap<>();
    private final Set<String> polled = ConcurrentHashMap.newKeySet();
    private final Vertx vertx;
    private final long pollMillis;

    /** Wakes on this process's refunds only. */
    RoomSignal() {
        this(null, 0);
    }

    /** Also wakes every {@code pollMillis} (± 25 %) while a scope has waiters; 0: never. */
    RoomSignal(Vertx vertx, long pollMillis) {
        this.vertx = vertx;
        this.pollMillis = vertx == null ? 0 : pollMillis;
    }

    /** Queues {@code w} on {@code scopeId} until it is woken or {@link #leave}s. */
    void await(String scopeId, Waiter w) {
        queues.compute(scopeId, (k, q) -> {
            NavigableSet<Waiter> out = q == null ? new TreeSet<>(EARLIEST_FIRST) : q;
            out.add(w);
            return out;
        });
        if (pollMillis > 0 && polled.add(scopeId)) {
            schedulePoll(scopeId);
        }
    }

    /** Takes {@code w} off the queue; false if it was not there (already woken: the wake owns its retry). */
    boolean leave(String scopeId, Waiter w) {
        boolean[] removed = {false};
        queues.computeIfPresent(scopeId, (k, q) -> {
            removed[0] = q.remove(w);
            return q.isEmpty() ? null : q;
        });
        return removed[0];
    }

    /** Room was given back on these scopes (the store has applied it). */
    void freed(Collection<String> scopeIds) {
        for (String id : scopeIds) {
            wakeFirst(id);
        }
    }

    /** Wakes the earliest waiter on {@code scopeId}, if any. */
    void wakeFirst(String scopeId) {
        Waiter[] first = {null};
        queues.computeIfPresent(scopeId, (k, q) -> {
            first[0] = q.pollFirst();
            return q.isEmpty() ? null : q;
        });
        if (first[0] != null) {
            first[0].wake(scopeId);
        }
    }

    /** Waiters queued on a scope (tests and diagnostics). */
    int waiting(String scopeId) {
        int[] n = {0};
        queues.computeIfPresent(scopeId, (k, q) -> {
            n[0] = q.size();
            return q;
        });
        return n[0];
    }

    private void schedulePoll(String scopeId) {
        long delay = pollMillis * 3 / 4 + ThreadLocalRandom.current().nextLong(pollMillis / 2 + 1);
        try {
            vertx.setTimer(Math.max(1, delay), id -> {
                // leave the polled set before looking, so a waiter arriving now schedules the next poll itself
                polled.remove(scopeId);
                if (queues.containsKey(scopeId)) {
                    wakeFirst(scopeId);
                    if (polled.add(scopeId)) {
                        schedulePoll(scopeId);
                    }
                }
            });
        } catch (RuntimeException closed) { // Vert.x closed: waiters still end at their own timers or not at all
            polled.remove(scopeId);
        }
    }
}
