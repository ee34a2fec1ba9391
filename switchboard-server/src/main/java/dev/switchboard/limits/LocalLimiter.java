package dev.switchboard.limits;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * In-process limiter. Each counter has its own lock; an admission locks the counters it touches in key
 * order (so admissions never deadlock and unrelated scopes never contend), checks all, then adds to all.
 * Answers synchronously (the returned future is already complete).
 */
public final class LocalLimiter extends CountingLimiter {
    private static final int SWEEP_EVERY = 4096;

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicLong admissions = new AtomicLong();
    /** Where a new counter starts (the last value Redis reported while this stands in for it), or null: at zero. */
    private final CounterMemory seed;

    public LocalLimiter() {
        this(Clock.systemUTC());
    }

    public LocalLimiter(Clock clock) {
        this(clock, null);
    }

    LocalLimiter(Clock clock, CounterMemory seed) {
        super(clock, "");
        this.seed = seed;
    }

    @Override
    Future<CheckOutcome> checkAndAdd(List<CounterCheck> checks) {
        long now = clock().millis();
        if (admissions.incrementAndGet() % SWEEP_EVERY == 0) {
            counters.values().removeIf(c -> c.expired(now));
        }
        List<Integer> order = new ArrayList<>(checks.size());
        Counter[] slots = new Counter[checks.size()];
        for (int i = 0; i < checks.size(); i++) {
            CounterCheck c = checks.get(i);
            slots[i] = counters.computeIfAbsent(c.key(), k -> new Counter(c.ttlSeconds() == 0 ? Long.MAX_VALUE
                    : now + c.ttlSeconds() * 1000, seed == null ? 0 : Math.max(0, seed.lastSeen(k))));
            order.add(i);
        }
        order.sort(Comparator.comparing(i -> checks.get(i).key()));
        order.forEach(i -> slots[i].lock.lock());
        try {
            long[] values = new long[checks.size()];
            int refused = -1;
            for (int i = 0; i < checks.size(); i++) {
                values[i] = slots[i].value;
                if (refused < 0 && checks.get(i).refuses(values[i])) {
                    refused = i;
                }
            }
            if (refused < 0) {
                for (int i = 0; i < checks.size(); i++) {
                    slots[i].value += checks.get(i).increment();
                    values[i] = slots[i].value;
                }
            }
            return Future.succeededFuture(new CheckOutcome(refused, values));
        } finally {
            order.forEach(i -> slots[i].lock.unlock());
        }
    }

    @Override
    void adjust(Map<String, Long> deltas) {
        deltas.forEach((key, delta) -> {
            Counter c = counters.get(key);
            if (c != null) {
                c.lock.lock();
                try {
                    c.value += delta;
                } finally {
                    c.lock.unlock();
                }
            }
        });
    }

    /** What each live counter gained since it was created (its seed excluded), for handing back to Redis. */
    Map<String, Long> growth() {
        Map<String, Long> out = new java.util.HashMap<>();
        long now = clock().millis();
        counters.forEach((key, c) -> {
            c.lock.lock();
            try {
                if (!c.expired(now) && c.value != c.start) {
                    out.put(key, c.value - c.start);
                }
            } finally {
                c.lock.unlock();
            }
        });
        return out;
    }

    /** Current value of a counter key (tests and diagnostics). */
    long valueOf(String key) {
        Counter c = counters.get(key);
        return c == null ? 0 : c.value;
    }

    private static final class Counter {
        final ReentrantLock lock = new ReentrantLock();
        final long expiresAt;
        final long start;
        long value;

        Counter(long expiresAt, long start) {
            this.expiresAt = expiresAt;
            this.start = start;
            this.value = start;
        }

        boolean expired(long now) {
            return now > expiresAt;
        }
    }
}
