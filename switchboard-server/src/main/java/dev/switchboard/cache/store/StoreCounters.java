package dev.switchboard.cache.store;

import java.util.concurrent.atomic.LongAdder;

/** The counts a store keeps, bumped from any thread. */
final class StoreCounters {
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder stores = new LongAdder();
    final LongAdder tooLarge = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder expiries = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder corrupted = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();

    CacheStats snapshot(long entries, long bytes) {
        return new CacheStats(hits.sum(), misses.sum(), stores.sum(), tooLarge.sum(), evictions.sum(), expiries.sum(),
                failures.sum(), corrupted.sum(), entries, bytes);
    }
}
