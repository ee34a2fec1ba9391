package dev.switchboard.limits;

/**
 * One counter an admission touches: add up to {@code increment} (at least {@code required}) unless the counter has
 * no room for {@code required}. {@code bucket} &ge; 0: a {@link SlidingWindow} counter charged in that bucket;
 * otherwise a fixed window. {@code ttlSeconds} 0 keeps the counter forever; {@code resetAtMillis} &lt; 0 means it
 * never resets.
 */
record CounterCheck(String key, long increment, long required, long limit, long ttlSeconds, long resetAtMillis,
                    String scopeId, LimitKind kind, long bucket) {

    /** A counter that must take the whole increment. */
    CounterCheck(String key, long increment, long limit, long ttlSeconds, long resetAtMillis, String scopeId, LimitKind kind,
                 long bucket) {
        this(key, increment, increment, limit, ttlSeconds, resetAtMillis, scopeId, kind, bucket);
    }

    boolean sliding() {
        return bucket >= 0;
    }

    /** What must be left: the required part, and an empty increment still needs something left. */
    long need() {
        return Math.max(required, 1);
    }

    /** Whether a counter at {@code current} refuses. */
    boolean refuses(long current) {
        return current + need() > limit;
    }

    /** What a counter at {@code current} that does not refuse grants: the increment, or what is left if less. */
    long grant(long current) {
        return Math.max(required, Math.min(increment, limit - current));
    }

    /** Whether the required part alone is more than the limit: waiting never helps. */
    boolean neverFits() {
        return required > limit;
    }

    Slot slot() {
        return new Slot(key, bucket);
    }

    /** The same counter charged {@code amount} (all required) at {@code nowMillis}'s bucket. */
    CounterCheck extension(long amount, long nowMillis) {
        long b = sliding() ? SlidingWindow.bucketOf(nowMillis) : bucket;
        long reset = sliding() ? SlidingWindow.dropsAt(b) : resetAtMillis;
        return new CounterCheck(key, amount, amount, limit, ttlSeconds, reset, scopeId, kind, b);
    }
}
