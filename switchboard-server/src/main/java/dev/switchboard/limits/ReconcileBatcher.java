package dev.switchboard.limits;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects counter adjustments from reconciles and releases and sends them in one script call per batch,
 * merging deltas of the same key, so settling costs a fraction of a round trip per request and never
 * delays a response. A failed batch is dropped (logged): counters then stay at the reserved estimates,
 * which errs on the strict side until the window ends.
 */
final class ReconcileBatcher {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileBatcher.class);

    private final Vertx vertx;
    private final RedisAPI api;
    private final long delayMillis;
    private final int batchSize;
    private final ConcurrentLinkedQueue<Map.Entry<String, Long>> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    ReconcileBatcher(Vertx vertx, RedisAPI api, long delayMillis, int batchSize) {
        this.vertx = vertx;
        this.api = api;
        this.delayMillis = delayMillis;
        this.batchSize = batchSize;
    }

    void add(Map<String, Long> deltas) {
        deltas.forEach((k, v) -> pending.add(Map.entry(k, v)));
        if (size.addAndGet(deltas.size()) >= batchSize) {
            flush();
        } else if (scheduled.compareAndSet(false, true)) {
            vertx.setTimer(delayMillis, id -> flush());
        }
    }

    /** Sends everything waiting now; completes when Redis applied it. */
    Future<Void> flush() {
        scheduled.set(false);
        Map<String, Long> merged = new LinkedHashMap<>();
        Map.Entry<String, Long> e;
        while ((e = pending.poll()) != null) {
            size.decrementAndGet();
            merged.merge(e.getKey(), e.getValue(), Long::sum);
        }
        merged.values().removeIf(v -> v == 0);
        if (merged.isEmpty()) {
            return Future.succeededFuture();
        }
        List<String> keys = new ArrayList<>(merged.keySet());
        List<String> args = merged.values().stream().map(String::valueOf).toList();
        return RedisScripts.ADJUST.run(api, keys, args)
                .onFailure(err -> LOG.warn("dropped {} limit counter adjustments: {}", keys.size(), err.toString()))
                .mapEmpty();
    }
}
