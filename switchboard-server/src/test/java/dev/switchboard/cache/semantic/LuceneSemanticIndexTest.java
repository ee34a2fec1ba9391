package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.store.CachePurge;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The index alone, on small hand-made unit vectors: partitions, replacement, TTL, bounds, purge. */
class LuceneSemanticIndexTest {
    private final AtomicLong now = new AtomicLong(1_000_000);

    private static float[] unit(float... v) {
        return Vectors.normalize(v);
    }

    private static CacheKey key(String ns, String model, int n) {
        return new CacheKey(ns, model, String.format("%064x", n));
    }

    @Test
    void findsTheNearestInItsPartitionOnly() {
        try (var index = new LuceneSemanticIndex(3, 100, 1 << 20, now::get)) {
            index.add("p1", unit(1, 0, 0), "a", key("t", "m", 1), Duration.ofMinutes(1));
            index.add("p1", unit(0, 1, 0), "b", key("t", "m", 2), Duration.ofMinutes(1));
            index.add("p2", unit(1, 0.1f, 0), "c", key("t", "m", 3), Duration.ofMinutes(1));

            var match = index.nearest("p1", unit(1, 0.2f, 0));
            assertThat(match.answer()).isEqualTo(key("t", "m", 1));
            assertThat(match.text()).isEqualTo("a");
            assertThat(match.score()).isBetween(0.97f, 0.99f); // cos of (1, 0.2, 0) and (1, 0, 0) = 0.981
            assertThat(index.nearest("p3", unit(1, 0, 0))).isNull();
            assertThat(index.nearest("p1", new float[2])).as("wrong size").isNull();
        }
    }

    @Test
    void aLaterAddForTheSameAnswerReplacesTheEntry() {
        try (var index = new LuceneSemanticIndex(3, 100, 1 << 20, now::get)) {
            index.add("p", unit(1, 0, 0), "old", key("t", "m", 1), Duration.ofMinutes(1));
            index.add("p", unit(0, 0, 1), "new", key("t", "m", 1), Duration.ofMinutes(1));
            assertThat(index.stats().entries()).isEqualTo(1);
            assertThat(index.nearest("p", unit(1, 0, 0)).text()).isEqualTo("new");
        }
    }

    @Test
    void entriesExpireWithTheirTtl() {
        try (var index = new LuceneSemanticIndex(3, 100, 1 << 20, now::get)) {
            index.add("p", unit(1, 0, 0), "a", key("t", "m", 1), Duration.ofSeconds(10));
            assertThat(index.nearest("p", unit(1, 0, 0))).isNotNull();
            now.addAndGet(10_000);
            assertThat(index.nearest("p", unit(1, 0, 0))).as("expired").isNull();
            now.addAndGet(1_000);
            index.add("q", unit(0, 1, 0), "b", key("t", "m", 2), Duration.ofSeconds(10)); // a write sweeps
            assertThat(index.stats().entries()).isEqualTo(1);
            assertThat(index.stats().expiries()).isEqualTo(1);
            assertThat(index.add("p", unit(1, 0, 0), "c", key("t", "m", 3), Duration.ZERO)).isFalse();
        }
    }

    @Test
    void boundedByEntriesAndBytesOldestFirst() {
        try (var index = new LuceneSemanticIndex(3, 2, 1 << 20, now::get)) {
            for (int i = 1; i <= 3; i++) {
                index.add("p", unit(i, 1, 0), "t" + i, key("t", "m", i), Duration.ofMinutes(1));
            }
            assertThat(index.stats().entries()).isEqualTo(2);
            assertThat(index.stats().evictions()).isEqualTo(1);
            assertThat(index.nearest("p", unit(1, 1, 0)).text()).as("the first is gone").isNotEqualTo("t1");
        }
        long entry = 3 * Float.BYTES + 2 * 2 + LuceneSemanticIndex.ENTRY_OVERHEAD;
        try (var index = new LuceneSemanticIndex(3, 100, 2 * entry, now::get)) {
            for (int i = 1; i <= 5; i++) {
                index.add("p", unit(i, 1, 0), "t" + i, key("t", "m", i), Duration.ofMinutes(1));
            }
            assertThat(index.stats().entries()).isEqualTo(2);
            assertThat(index.stats().bytes()).isLessThanOrEqualTo(2 * entry);
        }
    }

    @Test
    void purgesByNamespaceModelOrAll() {
        try (var index = new LuceneSemanticIndex(3, 100, 1 << 20, now::get)) {
            index.add("p", unit(1, 0, 0), "a", key("key:a", "gpt", 1), Duration.ofMinutes(1));
            index.add("p", unit(0, 1, 0), "b", key("key:b", "gpt", 2), Duration.ofMinutes(1));
            index.add("p", unit(0, 0, 1), "c", key("key:b", "claude", 3), Duration.ofMinutes(1));

            assertThat(index.purge(CachePurge.namespace("key:a"))).isEqualTo(1);
            assertThat(index.nearest("p", unit(1, 0, 0)).text()).isNotEqualTo("a");
            assertThat(index.purge(CachePurge.model("claude"))).isEqualTo(1);
            assertThat(index.nearest("p", unit(0, 0, 1)).text()).isEqualTo("b");
            assertThat(index.purge(CachePurge.all())).isEqualTo(1);
            assertThat(index.nearest("p", unit(0, 1, 0))).isNull();
        }
    }
}
