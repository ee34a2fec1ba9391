package dev.switchboard.cache.store;

import static dev.switchboard.cache.store.Answers.answer;
import static dev.switchboard.cache.store.Answers.await;
import static dev.switchboard.cache.store.Answers.key;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.CachedAnswer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryAnswerStoreTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Ticker ticker = nanos::get;

    @Test
    void storesAndFindsAnswersAndCounts() {
        MemoryAnswerStore store = new MemoryAnswerStore(1 << 20, 64 * 1024, ticker);
        CacheKey k = key("team:a", "fast", "2+2");
        assertThat(await(store.get(k))).isNull();
        assertThat(await(store.put(k, answer("4"), Duration.ofMinutes(1)))).isTrue();
        CachedAnswer hit = await(store.get(k));
        assertThat(Answers.text(hit)).isEqualTo("4");
        assertThat(await(store.get(key("team:b", "fast", "2+2")))).as("another tenant").isNull();
        CacheStats s = store.stats();
        assertThat(s.hits()).isEqualTo(1);
        assertThat(s.misses()).isEqualTo(2);
        assertThat(s.stores()).isEqualTo(1);
        assertThat(s.entries()).isEqualTo(1);
        assertThat(s.bytes()).isEqualTo(answer("4").serializedSize() + MemoryAnswerStore.ENTRY_OVERHEAD);
    }

    @Test
    void aClosedStoreMissesAndSkipsWritesInsteadOfFailing() {
        MemoryAnswerStore store = new MemoryAnswerStore(1 << 20, 64 * 1024, ticker);
        CacheKey k = key("team:a", "fast", "2+2");
        assertThat(await(store.put(k, answer("4"), Duration.ofMinutes(1)))).isTrue();
        await(store.close()); // a reload retired it while a request still held it
        assertThat(await(store.get(k))).isNull();
        assertThat(await(store.put(key("team:a", "fast", "3+3"), answer("6"), Duration.ofMinutes(1)))).isFalse();
        assertThat(store.stats().entries()).isZero();
        assertThat(store.stats().bytes()).isZero();
    }

    @Test
    void eachEntryExpiresAfterItsOwnTtl() {
        MemoryAnswerStore store = new MemoryAnswerStore(1 << 20, 64 * 1024, ticker);
        CacheKey shortLived = key("shared", "fast", "a");
        CacheKey longLived = key("shared", "fast", "b");
        await(store.put(shortLived, answer("a"), Duration.ofSeconds(10)));
        await(store.put(longLived, answer("b"), Duration.ofSeconds(60)));
        nanos.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(await(store.get(shortLived))).isNotNull();
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(await(store.get(shortLived))).isNull();
        assertThat(await(store.get(longLived))).isNotNull();
        // a replaced answer lives its own TTL
        await(store.put(longLived, answer("b2"), Duration.ofSeconds(5)));
        nanos.addAndGet(Duration.ofSeconds(6).toNanos());
        assertThat(await(store.get(longLived))).isNull();
        assertThat(store.stats().expiries()).isEqualTo(2);
        assertThat(store.stats().entries()).isZero();
    }

    @Test
    void boundedByTotalBytesAndEntrySize() {
        int entry = answer("x", 10_000).serializedSize() + MemoryAnswerStore.ENTRY_OVERHEAD;
        MemoryAnswerStore store = new MemoryAnswerStore(entry * 10L, 20_000, ticker);
        for (int i = 0; i < 100; i++) {
            assertThat(await(store.put(key("shared", "fast", "q" + i), answer("a" + i, 10_000), Duration.ofMinutes(1)))).isTrue();
        }
        CacheStats s = store.stats();
        assertThat(s.bytes()).isLessThanOrEqualTo(entry * 10L);
        assertThat(s.entries()).isLessThanOrEqualTo(10);
        assertThat(s.evictions()).isGreaterThanOrEqualTo(90);

        assertThat(await(store.put(key("shared", "fast", "big"), answer("big", 30_000), Duration.ofMinutes(1)))).isFalse();
        assertThat(await(store.get(key("shared", "fast", "big")))).isNull();
        assertThat(store.stats().tooLarge()).isEqualTo(1);
        assertThat(await(store.put(key("shared", "fast", "zero"), answer("z"), Duration.ZERO))).isFalse();
    }

    @Test
    void purgesByNamespaceModelOrEverything() {
        MemoryAnswerStore store = new MemoryAnswerStore(1 << 20, 64 * 1024, ticker);
        String[][] entries = {{"team:a", "fast"}, {"team:a", "smart"}, {"team:b", "fast"}, {"team:b", "smart"}, {"shared", "fast"}};
        for (String[] e : entries) {
            await(store.put(key(e[0], e[1], "q"), answer("a"), Duration.ofMinutes(1)));
        }
        assertThat(await(store.purge(CachePurge.namespace("team:a")))).isEqualTo(2);
        assertThat(await(store.get(key("team:a", "fast", "q")))).isNull();
        assertThat(await(store.get(key("team:b", "fast", "q")))).isNotNull();
        assertThat(await(store.purge(CachePurge.model("fast")))).isEqualTo(2);
        assertThat(await(store.get(key("shared", "fast", "q")))).isNull();
        assertThat(await(store.get(key("team:b", "smart", "q")))).isNotNull();
        assertThat(await(store.purge(CachePurge.all()))).isEqualTo(1);
        assertThat(store.stats().entries()).isZero();
        assertThat(store.stats().evictions()).as("purges are not evictions").isZero();
    }
}
