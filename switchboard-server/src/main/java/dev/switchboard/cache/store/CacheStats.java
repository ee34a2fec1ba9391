package dev.switchboard.cache.store;

/**
 * A store's counts since it was made.
 *
 * @param hits      lookups that found an answer
 * @param misses    lookups that found none (including the failed and corrupted ones)
 * @param stores    answers written
 * @param tooLarge  answers not written because they were over the entry limit
 * @param evictions entries dropped to stay within the byte bound (memory), not counting expiries
 * @param expiries  entries dropped because their TTL passed (memory; Redis expires on its own, unseen)
 * @param failures  reads and writes the store failed or did not answer in time (Redis): each a miss or a skipped write
 * @param corrupted entries read back that did not parse (each a miss)
 * @param entries   entries held now, -1 where unknown (Redis)
 * @param bytes     bytes held now (memory), or written so far (Redis, which shares its memory with other instances)
 */
public record CacheStats(long hits, long misses, long stores, long tooLarge, long evictions, long expiries,
                         long failures, long corrupted, long entries, long bytes) {}
