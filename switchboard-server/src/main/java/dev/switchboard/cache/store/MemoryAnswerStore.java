package dev.switchboard.cache.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.CachedAnswer;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * The embedded default: answers in this process's heap (Caffeine), bounded by their total size in bytes (evicting
 * the least useful first, by Caffeine's frequency and recency), each expiring after its own TTL. Operations are
 * in-memory and complete at once; Caffeine's upkeep runs on the calling thread (a few entries at a time), so no
 * pool thread is involved.
 */
public final class MemoryAnswerStore implements AnswerStore {
    /** Heap an entry costs beyond its stored form: the key, the entry and answer objects, Caffeine's node. */
    static final int ENTRY_OVERHEAD = 256;

    private record Entry(CachedAnswer answer, String namespace, String model, long ttlNanos, int weight) {}

    private final Cache<String, Entry> cache;
    private final int maxEntryBytes;
    private final StoreCounters counters = new StoreCounters();
    /** Closed: it holds nothing and stores nothing (a late request's write is skipped). */
    private volatile boolean closed;

    /**
     * @param maxBytes      the bound on the answers held (their stored size and overhead)
     * @param maxEntryBytes the largest answer (stored size) worth keeping
     */
    public MemoryAnswerStore(long maxBytes, int maxEntryBytes) {
        this(maxBytes, maxEntryBytes, Ticker.systemTicker());
    }

    /** @param ticker the clock TTLs are measured by (tests move it) */
    MemoryAnswerStore(long maxBytes, int maxEntryBytes, Ticker ticker) {
        if (maxBytes <= 0 || maxEntryBytes <= 0) {
            throw new IllegalArgumentException("cache sizes must be positive");
        }
        this.maxEntryBytes = maxEntryBytes;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String k, Entry e) -> e.weight())
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry e, long now) {
                        return e.ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry e, long now, long current) {
                        return e.ttlNanos(); // a replaced answer lives its own TTL
                    }

                    @Override
                    public long expireAfterRead(String key, Entry e, long now, long current) {
                        return current; // reading does not extend a TTL
                    }
                })
                .evictionListener((String k, Entry e, RemovalCause cause) -> {
                    (cause == RemovalCause.EXPIRED ? counters.expiries : counters.evictions).increment();
                })
                .executor(Runnable::run)
                .ticker(ticker)
                .build();
    }

    @Override
    public Future<CachedAnswer> get(CacheKey key) {
        Entry e = cache.getIfPresent(key.hash());
        if (e == null) {
            counters.misses.increment();
            return Future.succeededFuture();
        }
        counters.hits.increment();
        return Future.succeededFuture(e.answer());
    }

    @Override
    public Future<Boolean> put(CacheKey key, CachedAnswer answer, Duration ttl) {
        int size = answer.serializedSize();
        if (size > maxEntryBytes) {
            counters.tooLarge.increment();
            return Future.succeededFuture(false);
        }
        if (ttl.toMillis() < 1 || closed) {
            return Future.succeededFuture(false);
        }
        cache.put(key.hash(), new Entry(answer, key.namespace(), key.model(), ttl.toNanos(), size + ENTRY_OVERHEAD));
        if (closed) { // closed meanwhile: what it stored must not stay
            cache.invalidate(key.hash());
            return Future.succeededFuture(false);
        }
        counters.stores.increment();
        counters.bytesWritten.add(size);
        return Future.succeededFuture(true);
    }

    @Override
    public Future<Long> purge(CachePurge scope) {
        long[] removed = {0};
        cache.asMap().entrySet().removeIf(e -> {
            boolean match = scope.matches(e.getValue().namespace(), e.getValue().model());
            removed[0] += match ? 1 : 0;
            return match;
        });
        return Future.succeededFuture(removed[0]);
    }

    @Override
    public CacheStats stats() {
        cache.cleanUp();
        long bytes = cache.policy().eviction().map(ev -> ev.weightedSize().orElse(0)).orElse(0L);
        return counters.snapshot(cache.estimatedSize(), bytes);
    }

    @Override
    public Future<Void> close() {
        closed = true;
        cache.invalidateAll();
        cache.cleanUp();
        return Future.succeededFuture();
    }
}
