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

    private PackedAdmissions(List<String> keys, Buffer numbers) {
        this.keys = keys;
        this.numbers = numbers;
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
        for (AdmissionBatch.Item i : items) {
            b.appendLongLE(bucket(i.checks));
            for (CounterCheck c : i.checks) {
                int k = index.get(c.key());
                if (first.get(k).limit() != c.limit()) { // an earlier entry of the key, with this limit
                    k = entryWithLimit(keys, first, c);
                }
                b.appendLongLE(k + 1).appendLongLE(c.increment()).appendLongLE(c.required());
            }
        }
        return new PackedAdmissions(keys, b);
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
