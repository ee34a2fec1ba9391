package dev.switchboard.limits;

/**
 * Per-minute limits count over a sliding minute made of {@link #BUCKETS} buckets of {@link #BUCKET_MILLIS}: a counter
 * is the sum of the current bucket, the twelve before it and the one after it ({@link #AHEAD}). The oldest of those began up to five seconds more than a
 * minute ago, so the sum covers every admission of the last 60 s (and a little more): no 60 s span, wherever it falls,
 * admits more than the limit. Room comes back bucket by bucket, every 5 s, instead of all at once on the minute.
 */
final class SlidingWindow {
    static final long BUCKET_MILLIS = 5_000;
    /** Buckets summed: the current one and the twelve before it. */
    static final int BUCKETS = 13;
    /**
     * Buckets after the current one that are counted too: admissions planned by another thread or replica whose clock
     * is a little ahead land there, and they happened, so a window must see them (or two buckets' admissions could
     * each see only their own).
     */
    static final int AHEAD = 1;
    /**
     * Buckets Redis keeps before the first one a counter still counts (its {@code lo}, moved by the replica whose clock
     * reads the latest bucket), so a replica whose clock is up to this many buckets behind still counts its whole
     * window.
     */
    static final int KEPT_BEHIND = 2;
    /** Buckets a counter holds: the window and the one ahead. */
    static final int RING = BUCKETS + AHEAD;
    /** How long Redis keeps a bucket: past the window, plus grace for late reconciles. */
    static final long TTL_SECONDS = BUCKETS * BUCKET_MILLIS / 1000 + 120;

    private SlidingWindow() {
    }

    static long bucketOf(long nowMillis) {
        return Math.floorDiv(nowMillis, BUCKET_MILLIS);
    }

    /** When bucket {@code b} stops being counted. */
    static long dropsAt(long b) {
        return (b + BUCKETS) * BUCKET_MILLIS;
    }

    /**
     * When a counter whose buckets (oldest first, ending at bucket {@code last}) hold {@code values} has room for
     * {@code need} under {@code limit}: the end of the oldest buckets that must drop out. -1 if none would do.
     */
    static long freesAt(long[] values, long last, long need, long limit) {
        long sum = 0;
        for (long v : values) {
            sum += v;
        }
        for (int k = 0; k < values.length; k++) {
            sum -= values[k];
            if (sum + need <= limit) {
                return dropsAt(last - (values.length - 1) + k);
            }
        }
        return -1;
    }
}
