package dev.switchboard.cache.stage;

import java.util.concurrent.atomic.LongAdder;

/** One cache stage's lookups by result, bumped from any event loop; kept by its gateway across config reloads. */
final class LookupCounters {
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder bypasses = new LongAdder();
}
