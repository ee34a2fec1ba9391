package dev.switchboard.limits;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
    /**
     * Standing in for Redis: this instance's share of each limit and where its counters start (what Redis last
     * reported), or null for plain local counting.
     */
    private final LimitShare share;

    public LocalLimiter() {
        this(Clock.systemUTC());
    }

    public LocalLimiter(Clock clock) {
        this(clock, null);
    }

    LocalLimiter(Clock clock, LimitShare share) {
        this(clock, share, new RoomSignal());
    }

    /** @param signal where refunds are announced (a fallback shares the limiter's it stands in for) */
    LocalLimiter(Clock clock, LimitShare share, RoomSignal signal) {
        super(clock, "", signal);
        this.share = share;
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
            slots[i] = counter(checks.get(i), now);
            order.add(i);
        }
        List<CounterCheck> local = share == null ? checks : scaled(checks, slots);
        order.sort(Comparator.comparing(i -> checks.get(i).key()));
        order.forEach(i -> slots[i].lock.lock());
        try {
            long[] values = new long[checks.size()];
            long[] granted = new long[checks.size()];
            int refused = -1;
            for (int i = 0; i < checks.size(); i++) {
                values[i] = slots[i].sum(local.get(i).bucket());
                if (refused < 0 && local.get(i).refuses(values[i])) {
                    refused = i;
                }
            }
            if (refused >= 0) {
                CounterCheck c = local.get(refused);
                long freesAt = c.sliding() ? slots[refused].freesAt(c) : -1;
                return Future.succeededFuture(new CheckOutcome(refused, reported(checks, local, values), granted, freesAt));
            }
            for (int i = 0; i < checks.size(); i++) {
                CounterCheck c = local.get(i);
                granted[i] = c.grant(values[i]);
                slots[i].add(c.bucket(), granted[i]);
                values[i] += granted[i];
            }
            return Future.succeededFuture(new CheckOutcome(-1, reported(checks, local, values), granted, -1));
        } finally {
            order.forEach(i -> slots[i].lock.unlock());
        }
    }

    private Counter counter(CounterCheck c, long now) {
        return counters.computeIfAbsent(c.key(), k -> {
            if (!c.sliding()) {
                return new Counter(1, c.ttlSeconds() == 0 ? Long.MAX_VALUE : now + c.ttlSeconds() * 1000, -1,
                        share == null ? 0 : share.fixedStart(k));
            }
            LimitShare.Seed seed = share == null ? null : share.slidingStart(k, now);
            return seed == null ? new Counter(SlidingWindow.RING, now + c.ttlSeconds() * 1000, Long.MIN_VALUE, 0)
                    : new Counter(SlidingWindow.RING, now + c.ttlSeconds() * 1000, seed.bucket(), seed.value());
        });
    }

    /** The checks with this instance's share as their limits. */
    private List<CounterCheck> scaled(List<CounterCheck> checks, Counter[] slots) {
        List<CounterCheck> out = new ArrayList<>(checks.size());
        for (int i = 0; i < checks.size(); i++) {
            out.add(share.scale(checks.get(i), slots[i].fixedStart()));
        }
        return out;
    }

    /**
     * Values as the plan reports them against the configured limits: raised by what the share holds back, so the
     * remaining room in the rate-limit headers is this instance's, not the whole limit's.
     */
    private static long[] reported(List<CounterCheck> checks, List<CounterCheck> local, long[] values) {
        if (checks == local) {
            return values;
        }
        long[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += checks.get(i).limit() - local.get(i).limit();
        }
        return out;
    }

    /** The share this limiter counts against while standing in for Redis, or null. */
    LimitShare share() {
        return share;
    }

    @Override
    Future<Void> adjust(Map<Slot, Long> deltas) {
        deltas.forEach((slot, delta) -> {
            Counter c = counters.get(slot.key());
            if (c != null) {
                c.lock.lock();
                try {
                    c.adjust(slot.bucket(), delta);
                } finally {
                    c.lock.unlock();
                }
            }
        });
        return Future.succeededFuture();
    }

    /** What each live slot gained since its counter was created (a seed excluded), for handing back to Redis. */
    Map<Slot, Long> growth() {
        Map<Slot, Long> out = new HashMap<>();
        long now = clock().millis();
        counters.forEach((key, c) -> {
            c.lock.lock();
            try {
                if (!c.expired(now)) {
                    c.growth(key, out);
                }
            } finally {
                c.lock.unlock();
            }
        });
        return out;
    }

    /** Current value of a counter key (a sliding window's sum now; tests and diagnostics). */
    long valueOf(String key) {
        Counter c = counters.get(key);
        if (c == null) {
            return 0;
        }
        c.lock.lock();
        try {
            return c.sum(c.buckets.length == 1 ? -1 : SlidingWindow.bucketOf(clock().millis()));
        } finally {
            c.lock.unlock();
        }
    }

    /**
     * A fixed-window counter (one slot, bucket -1) or a sliding window (a ring of buckets, each slot remembering which
     * bucket it holds, so a stale slot reads as zero). A sliding counter lives as long as it is used. A slot may start
     * with a seed (what Redis reported), which is not handed back as growth.
     */
    private static final class Counter {
        final ReentrantLock lock = new ReentrantLock();
        final long[] buckets;
        final long[] values;
        /** Per slot: the seed it started with (0 once the slot holds another bucket). */
        final long[] starts;
        volatile long expiresAt;

        /** @param seedBucket the bucket that starts at {@code seed} (-1: the fixed slot; Long.MIN_VALUE: none) */
        Counter(int size, long expiresAt, long seedBucket, long seed) {
            this.buckets = new long[size];
            this.values = new long[size];
            this.starts = new long[size];
            java.util.Arrays.fill(buckets, Long.MIN_VALUE);
            this.expiresAt = expiresAt;
            if (seedBucket != Long.MIN_VALUE) {
                int i = index(seedBucket);
                buckets[i] = seedBucket;
                values[i] = seed;
                starts[i] = seed;
            }
        }

        /** Where a fixed-window counter started. */
        long fixedStart() {
            return buckets.length == 1 ? starts[0] : 0;
        }

        boolean expired(long now) {
            return now > expiresAt;
        }

        private int index(long bucket) {
            return buckets.length == 1 ? 0 : (int) Math.floorMod(bucket, (long) buckets.length);
        }

        /** The counter's value as bucket {@code current} sees it (a fixed counter ignores the bucket). */
        long sum(long current) {
            if (buckets.length == 1) {
                return values[0];
            }
            long sum = 0;
            for (int i = 0; i < buckets.length; i++) {
                if (buckets[i] > current - SlidingWindow.BUCKETS && buckets[i] <= current + SlidingWindow.AHEAD) {
                    sum += values[i];
                }
            }
            return sum;
        }

        /** When a refused sliding check will have room. */
        long freesAt(CounterCheck c) {
            long[] oldestFirst = new long[buckets.length];
            for (int k = 0; k < buckets.length; k++) {
                long b = c.bucket() - (SlidingWindow.BUCKETS - 1) + k;
                int i = index(b);
                oldestFirst[k] = buckets[i] == b ? values[i] : 0;
            }
            return SlidingWindow.freesAt(oldestFirst, c.bucket() + SlidingWindow.AHEAD, c.need(), c.limit());
        }

        void add(long bucket, long amount) {
            int i = index(bucket);
            if (buckets.length > 1) {
                if (buckets[i] != bucket) {
                    buckets[i] = bucket;
                    values[i] = 0;
                    starts[i] = 0;
                }
                expiresAt = Math.max(expiresAt, SlidingWindow.dropsAt(bucket));
            }
            values[i] += amount;
        }

        /** Adds to a slot that still holds its bucket (a bucket already reused or dropped is gone). */
        void adjust(long bucket, long delta) {
            int i = index(bucket);
            if (buckets[i] == bucket) {
                values[i] += delta;
            }
        }

        void growth(String key, Map<Slot, Long> out) {
            for (int i = 0; i < buckets.length; i++) {
                long gained = values[i] - starts[i];
                if (gained != 0 && buckets[i] != Long.MIN_VALUE) {
                    out.put(new Slot(key, buckets[i]), gained);
                }
            }
        }
    }
}
