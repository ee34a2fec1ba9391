package dev.switchboard.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last values Redis reported to this instance, so that counting locally while Redis is away starts where the
 * shared counters stood instead of from zero: a spent budget stays spent, and a per-minute window keeps what the
 * fleet already used in it ({@link LimitShare}). Fixed windows (budgets, tokens per day) by value; sliding windows by
 * their sum and the bucket it was seen in, so it ages out with that bucket. Keyed without the Redis key prefix (as the
 * local limiter names counters; stored under the Redis key). Bounded: beyond {@link #MAX_KEYS} counters new ones are not remembered (their budgets
 * are then refused while degraded; their windows start empty). Values may be a little high (later refunds are not
 * applied), which errs on the strict side.
 */
final class CounterMemory {
    static final int MAX_KEYS = 100_000;
    private static final long SWEEP_MILLIS = 1_000;

    /** {@code bucket}: the sliding-window bucket the sum was seen in, -1 for a fixed window. */
    record Seen(long value, long resetAtMillis, long bucket) {}

    private final Map<String, Seen> values = new ConcurrentHashMap<>();
    private final String prefix;
    private volatile long lastSweep = Long.MIN_VALUE / 2;

    CounterMemory(String prefix) {
        this.prefix = prefix;
    }

    /** The Redis key of an unprefixed counter key. */
    String prefixed(String key) {
        return prefix + key;
    }

    /** Records what Redis answered for an admission's checks (after the increment, or as they stood when refused). */
    void remember(java.util.List<CounterCheck> checks, long[] answered, java.time.Clock clock) {
        for (int i = 0; i < checks.size(); i++) {
            remember(checks.get(i), answered[i], clock);
        }
    }

    /** Records what Redis answered for one counter. */
    void remember(CounterCheck c, long answered, java.time.Clock clock) {
        String key = c.key(); // prefixed: no copy per admission; the rare lookups add the prefix instead
        if (values.size() >= MAX_KEYS && !values.containsKey(key)) {
            // windows that ended are never asked for again; swept at most once a second (the scan is long)
            long now = clock.millis();
            if (now - lastSweep >= SWEEP_MILLIS) {
                lastSweep = now;
                values.values().removeIf(s -> s.resetAtMillis() >= 0 && s.resetAtMillis() < now);
            }
            if (values.size() >= MAX_KEYS) {
                return;
            }
        }
        values.put(key, new Seen(answered, c.resetAtMillis(), c.bucket()));
    }

    /** The last value seen for an unprefixed counter key, or -1 when this instance never saw it. */
    long lastSeen(String key) {
        Seen s = values.get(prefix + key);
        return s == null ? -1 : s.value();
    }

    /** What was last seen for an unprefixed counter key, or null. */
    Seen seen(String key) {
        return values.get(prefix + key);
    }

    /** Counters remembered (tests). */
    int size() {
        return values.size();
    }
}
