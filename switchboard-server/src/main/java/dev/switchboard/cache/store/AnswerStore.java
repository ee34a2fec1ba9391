package dev.switchboard.cache.store;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.CachedAnswer;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * Where the exact cache keeps answers: in this process ({@link MemoryAnswerStore}) or shared by every instance
 * ({@link RedisAnswerStore}). Reads and writes never fail: a store that is away, slow or holds a corrupted entry
 * gives a miss or skips the write, and counts it, so the cache can only ever be bypassed, never break a request.
 * Purges are admin operations and do report failures. Thread-safe.
 */
public interface AnswerStore {
    /** The answer stored under {@code key}, or null: absent, expired, corrupted, or the store unreachable. */
    Future<CachedAnswer> get(CacheKey key);

    /**
     * Stores {@code answer} under {@code key} for {@code ttl}, replacing what was there. True when stored; false when
     * it was refused (larger than the store's entry limit, a TTL under 1 ms) or the write failed. The store keeps
     * the answer's body as given: callers do not change it afterwards.
     */
    Future<Boolean> put(CacheKey key, CachedAnswer answer, Duration ttl);

    /** Removes the entries in {@code scope}; how many were removed. */
    Future<Long> purge(CachePurge scope);

    /** Counts since the store was made, and what it holds where it knows. */
    CacheStats stats();

    /** Releases what the store holds (its client, its memory). */
    Future<Void> close();
}
