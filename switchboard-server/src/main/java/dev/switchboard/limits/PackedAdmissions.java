package dev.switchboard.limits;

import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of admissions as {@link RedisScripts#ADMIT_MANY} takes them: each counter's key once, and every number in
 * one packed argument (64-bit little-endian), so Redis neither copies nor parses an argument per number.
 */
final class PackedAdmissions {
    private final List<String> keys;
    private final Buffer numbers;
    /** Per key entry, the admission (index in the batch) and its check that last asked for it. */
    private final int[] lastItem;
    private final int[] lastCheck;
    /**
     * Per key entry, whether its last check is the key's last in the batch: false for the other entries of a key
     * asked for with two limits (its counter is one in Redis, so only the newest of its values is its value).
     */
    private final boolean[] newest;

    private PackedAdmissions(List<String> keys, Buffer numbers, int[] lastItem, int[] lastCheck, boolean[] newest) {
        this.keys = keys;
        this.numbers = numbers;
        this.lastItem = lastItem;
        this.lastCheck = lastCheck;
        this.newest = newest;
    }

    /**
     * Packs {@code items}; the sliding checks of one admission share a bucket ({@link #oneBucket}). A key asked for
     * with another limit than before in the batch (its configuration changed meanwhile) gets a second entry.
     */
    static PackedAdmissions of(List<AdmissionBatch.Item> items) {
        List<String> keys = new ArrayList<>();
        List<CounterCheck> first = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        int checks = 0;
        for (AdmissionBatch.Item i : items) {
            for (CounterCheck c : i.checks) {
                Integer k = index.get(c.key());
                if (k == null || first.get(k).limit() != c.limit()) {
                    index.put(c.key(), keys.size());
                    keys.add(c.key());
                    first.add(c);
                }
                checks++;
            }
        }
        int count = 1 + RedisScripts.NUMBERS_PER_KEY * keys.size() + 2 * items.size()
                + RedisScripts.NUMBERS_PER_CHECK * checks;
        Buffer b = Buffer.buffer(8 * count);
        b.appendLongLE(items.size());
        for (CounterCheck c : first) {
            b.appendLongLE(c.limit()).appendLongLE(c.ttlSeconds()).appendLongLE(c.sliding() ? 1 : 0);
        }
        for (AdmissionBatch.Item i : items) {
            b.appendLongLE(i.checks.size());
        }
        int[] lastItem = new int[keys.size()];
        int[] lastCheck = new int[keys.size()];
        int[] lastSeq = new int[keys.size()];
        int seq = 0;
        for (int n = 0; n < items.size(); n++) {
            List<CounterCheck> asked = items.get(n).checks;
            b.appendLongLE(bucket(asked));
            for (int j = 0; j < asked.size(); j++) {
                CounterCheck c = asked.get(j);
                int k = index.get(c.key());
                if (first.get(k).limit() != c.limit()) { // an earlier entry of the key, with this limit
                    k = entryWithLimit(keys, first, c);
                }
                lastItem[k] = n;
                lastCheck[k] = j;
                lastSeq[k] = seq++;
                b.appendLongLE(k + 1).appendLongLE(c.increment()).appendLongLE(c.required());
            }
        }
        boolean[] newest = new boolean[keys.size()];
        java.util.Arrays.fill(newest, true);
        if (index.size() < keys.size()) { // a key with two limits: only its entry seen last holds its newest value
            Map<String, Integer> latest = new HashMap<>(); // one pass each way: never entries x entries on the loop
            for (int k = 0; k < keys.size(); k++) {
                latest.merge(keys.get(k), lastSeq[k], Math::max);
            }
            for (int k = 0; k < keys.size(); k++) {
                newest[k] = latest.get(keys.get(k)) == lastSeq[k];
            }
        }
        return new PackedAdmissions(keys, b, lastItem, lastCheck, newest);
    }

    private static int entryWithLimit(List<String> keys, List<CounterCheck> first, CounterCheck c) {
        for (int k = 0; k < keys.size(); k++) {
            if (keys.get(k).equals(c.key()) && first.get(k).limit() == c.limit()) {
                return k;
            }
        }
        throw new IllegalStateException("no entry for " + c.key());
    }

    /** The bucket of an admission's sliding checks (0 when it has none). */
    private static long bucket(List<CounterCheck> checks) {
        for (CounterCheck c : checks) {
            if (c.sliding()) {
                return c.bucket();
            }
        }
        return 0;
    }

    /** Whether every sliding check of an admission is in the same bucket, as one call's packing needs. */
    static boolean oneBucket(List<CounterCheck> checks) {
        long b = -1;
        for (CounterCheck c : checks) {
            if (c.sliding()) {
                if (b >= 0 && c.bucket() != b) {
                    return false;
                }
                b = c.bucket();
            }
        }
        return true;
    }

    /** For each key entry, the admission of the batch (its index) that last asked for it. */
    int lastItem(int key) {
        return lastItem[key];
    }

    /** Whether a key entry's last value is its counter's newest in the batch ({@link #newest}). */
    boolean newest(int key) {
        return newest[key];
    }

    /** For each key entry, which check of {@link #lastItem} it is. */
    int lastCheck(int key) {
        return lastCheck[key];
    }

    int keyCount() {
        return keys.size();
    }

    /** Appends the keys, then the packed numbers, to a script call. */
    void appendTo(Request r) {
        for (String k : keys) {
            r.arg(k);
        }
        r.arg(numbers);
    }
}
