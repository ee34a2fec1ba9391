package dev.switchboard.limits;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects counter adjustments from reconciles and releases and sends them in one script call per batch,
 * merging deltas of the same key, so settling costs a fraction of a round trip per request and never
 * delays a response. A failed batch is kept and retried every {@link #RETRY_MILLIS} (merged with later
 * adjustments) while Redis is away, up to {@link #MAX_RETRY_KEYS} counters: beyond that refunds (negative
 * deltas, whose loss only errs on the strict side) are dropped first, and extra charges (positive) are dropped
 * only past the bound, with an error log of how much. Counters whose window ended are skipped by the script.
 */
final class ReconcileBatcher {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileBatcher.class);
    static final long RETRY_MILLIS = 1000;
    static final int MAX_RETRY_KEYS = 10_000;

    private final Vertx vertx;
    private final RedisAPI api;
    private final long delayMillis;
    private final int batchSize;
    /** Each settlement's deltas as it came (one queue node per settlement, merged by the flush). */
    private final ConcurrentLinkedQueue<Map<Slot, Long>> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Deltas of failed batches, merged by key; guarded by its own monitor. */
    private final Map<Slot, Long> retry = new LinkedHashMap<>();
    private final AtomicBoolean retryScheduled = new AtomicBoolean();
    /** Completed when the next flush has applied what it drains (so refunds wake queued requests only then). */
    private final AtomicReference<Promise<Void>> nextFlush = new AtomicReference<>(Promise.promise());

    ReconcileBatcher(Vertx vertx, RedisAPI api, long delayMillis, int batchSize) {
        this.vertx = vertx;
        this.api = api;
        this.delayMillis = delayMillis;
        this.batchSize = batchSize;
    }

    /** Completes when Redis has applied these deltas (or a later batch that carries them); fails with their batch. */
    Future<Void> add(Map<Slot, Long> deltas) {
        if (deltas.isEmpty()) {
            return Future.succeededFuture();
        }
        pending.add(deltas); // the caller hands it over: never changed after
        // read after adding: the flush that swaps this promise out drains these deltas (it swaps before draining)
        Future<Void> applied = nextFlush.get().future();
        if (size.addAndGet(deltas.size()) >= batchSize) {
            flush();
        } else if (scheduled.compareAndSet(false, true)) {
            vertx.setTimer(delayMillis, id -> flush());
        }
        return applied;
    }

    /** Sends everything waiting now (failed batches included); completes when Redis applied it. */
    Future<Void> flush() {
        scheduled.set(false); // before the swap: an add that gets the new promise also schedules the flush for it
        Promise<Void> carried = nextFlush.getAndSet(Promise.promise());
        Map<Slot, Long> merged = new LinkedHashMap<>();
        synchronized (retry) {
            merged.putAll(retry);
            retry.clear();
        }
        for (Map<Slot, Long> d; (d = pending.poll()) != null; ) {
            size.addAndGet(-d.size());
            d.forEach((slot, delta) -> merged.merge(slot, delta, Long::sum));
        }
        merged.values().removeIf(v -> v == 0);
        if (merged.isEmpty()) {
            carried.tryComplete();
            return Future.succeededFuture();
        }
        List<String> keys = new ArrayList<>(merged.size());
        List<String> args = new ArrayList<>(2 * merged.size());
        merged.forEach((slot, delta) -> {
            keys.add(slot.key());
            args.add(Long.toString(slot.bucket()));
            args.add(Long.toString(delta));
        });
        return RedisScripts.ADJUST.run(api, keys, args)
                .onFailure(err -> keepForRetry(merged, err))
                .<Void>mapEmpty()
                .onComplete(carried);
    }

    /** Pending retries (tests and diagnostics). */
    int retrying() {
        synchronized (retry) {
            return retry.size();
        }
    }

    private void keepForRetry(Map<Slot, Long> failed, Throwable err) {
        long droppedPositive = 0;
        int droppedKeys = 0;
        synchronized (retry) {
            failed.forEach((k, v) -> retry.merge(k, v, Long::sum));
            if (retry.size() > MAX_RETRY_KEYS) {
                retry.values().removeIf(v -> v <= 0); // refunds first: losing them only errs strict
            }
            var it = retry.entrySet().iterator();
            while (retry.size() > MAX_RETRY_KEYS && it.hasNext()) {
                droppedPositive += it.next().getValue();
                droppedKeys++;
                it.remove();
            }
        }
        if (droppedKeys > 0) {
            LOG.error("Redis unreachable: dropped extra charges of {} limit counters (total {}) beyond the retry bound",
                    droppedKeys, droppedPositive);
        }
        LOG.warn("{} limit counter adjustments not applied ({}); retrying", failed.size(), err.toString());
        if (retryScheduled.compareAndSet(false, true)) {
            try {
                vertx.setTimer(RETRY_MILLIS, id -> {
                    retryScheduled.set(false);
                    flush();
                });
            } catch (RuntimeException closed) { // Vert.x already closed (shutdown): nothing will run it
                retryScheduled.set(false);
            }
        }
    }
}
