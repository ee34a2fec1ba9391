package dev.switchboard.limits;

/**
 * One instance's share of the shared limits while it counts locally because Redis is away, with {@code instances}
 * live instances (from the {@link InstanceRegistry}'s last heartbeat), and where each local counter starts (what Redis
 * last reported, {@link CounterMemory}):
 * <ul>
 * <li>a per-minute (sliding) limit L: {@code max(1, floor(L / N))} (0 stays 0), so the fleet admits about L per
 * window, and at most N when L &lt; N: each instance may still admit one request a minute. The window starts with
 * this instance's part of what Redis last reported for it ({@code ceil(seen / N)}, in the bucket it was seen in, so it
 * ages out with that bucket);</li>
 * <li>a budget or tokens per day L last seen at S: {@code S + floor((L - S) / N)}, starting at S: each instance spends
 * only its share of what was left. A tokens-per-day window never seen starts at 0 (its share is L / N).</li>
 * </ul>
 * Shares only shrink as N grows, never below 1 for a per-minute limit of at least 1, and N is at least 1.
 */
final class LimitShare {
    /** A sliding window's starting amount and the bucket it goes in. */
    record Seed(long bucket, long value) {}

    private final CounterMemory memory;
    private final long instances;

    LimitShare(CounterMemory memory, int instances) {
        this.memory = memory;
        this.instances = Math.max(1, instances);
    }

    long instances() {
        return instances;
    }

    /**
     * The check with this instance's share as its limit (key and amounts unchanged); {@code fixedStart}: where its
     * local counter started, for a fixed window.
     */
    CounterCheck scale(CounterCheck c, long fixedStart) {
        long share = limit(c, fixedStart);
        return share == c.limit() ? c : new CounterCheck(c.key(), c.increment(), c.required(), share, c.ttlSeconds(),
                c.resetAtMillis(), c.scopeId(), c.kind(), c.bucket());
    }

    /** This instance's share of the check's limit, for a fixed window whose local counter started at {@code start}. */
    long limit(CounterCheck c, long start) {
        long limit = c.limit();
        if (c.sliding()) {
            return limit <= 0 ? limit : Math.max(1, limit / instances);
        }
        if (start >= limit) {
            return limit; // spent: refused as it would be in Redis
        }
        return start + (limit - start) / instances;
    }

    /** Whether {@code need} fits what is left of the limit when the outage began but not this instance's share of it. */
    boolean onlyTheShareRefuses(CounterCheck c, long need) {
        long start = c.sliding() ? 0 : fixedStart(c.key());
        return need <= c.limit() - start && need > limit(c, start) - start;
    }

    /** Whether this instance's share of the check's limit is smaller than what was left of it. */
    boolean holdsBack(CounterCheck c) {
        long start = c.sliding() ? 0 : fixedStart(c.key());
        return limit(c, start) < c.limit();
    }

    /** Where a fixed-window counter (unprefixed key) starts: the last value Redis reported, else 0. */
    long fixedStart(String key) {
        return Math.max(0, memory.lastSeen(key));
    }

    /** Where a sliding window starts at {@code now}: this instance's part of the last sum seen, or null. */
    Seed slidingStart(String key, long now) {
        CounterMemory.Seen s = memory.seen(key);
        if (s == null || s.bucket() < 0 || s.value() <= 0) {
            return null;
        }
        long current = SlidingWindow.bucketOf(now);
        if (s.bucket() <= current - SlidingWindow.BUCKETS || s.bucket() > current) {
            return null; // dropped out of the window already (or from a clock ahead of ours)
        }
        return new Seed(s.bucket(), (s.value() + instances - 1) / instances);
    }
}
