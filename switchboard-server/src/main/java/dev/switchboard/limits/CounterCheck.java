package dev.switchboard.limits;

/**
 * One counter an admission touches: add {@code increment} unless the counter would pass {@code limit}.
 * {@code ttlSeconds} 0 keeps the counter forever; {@code resetAtMillis} &lt; 0 means it never resets.
 */
record CounterCheck(String key, long increment, long limit, long ttlSeconds, long resetAtMillis,
                    String scopeId, LimitKind kind) {

    /** Whether a counter at {@code current} refuses; an empty increment still needs something left. */
    boolean refuses(long current) {
        return current + Math.max(increment, 1) > limit;
    }
}
