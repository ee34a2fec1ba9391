package dev.switchboard.limits;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ObjLongConsumer;
import java.util.function.Supplier;

/**
 * Coalesces the admissions of one event-loop turn into one Redis call. Each event loop (Vert.x context) keeps its own
 * queue, touched only by its thread; callers off an event loop hop to one context of the limiter's own. The queue is
 * sent at the end of the turn (a task queued behind the turn's I/O), at most {@link #IN_FLIGHT} batches at a time per
 * context, so under load the admissions arriving while Redis works form the next batch. With a per-loop client, each
 * context sends over connections it opened itself, which live on its loop: Redis's answer is read by the thread that
 * waits for it (no hop, and a busy other loop cannot sit on it while the timeout runs).
 */
final class AdmissionBatcher {
    /** Batches a context may have at Redis at once; the rest wait and coalesce. */
    static final int IN_FLIGHT = 2;
    /** Admissions per script call at most, so one call never holds Redis for long. */
    static final int MAX_BATCH = 256;
    /** Waiting for a pooled connection may take this many call timeouts before the batch gives up. */
    static final int CONNECT_WAIT_TIMEOUTS = 3;
    /** A sent batch waits at most this many call timeouts for its answer, even while Redis answers the ones ahead. */
    static final int MAX_CALL_TIMEOUTS = 4;

    private final Vertx vertx;
    private final Redis redis;
    /** Opens a client for one event loop's own connections; null: every loop uses {@link #redis}. */
    private final Supplier<Redis> loopClient;
    private final ConcurrentLinkedQueue<Redis> loopClients = new ConcurrentLinkedQueue<>();
    private final Context own;
    /** Told each counter's latest value in each answer. */
    private final ObjLongConsumer<CounterCheck> onAnswer;
    private volatile long callTimeoutMillis;
    /** When Redis last answered a batch of this limiter ({@link System#nanoTime}). */
    private final AtomicLong lastAnswer = new AtomicLong(System.nanoTime());

    AdmissionBatcher(Vertx vertx, Redis redis, Supplier<Redis> loopClient, long callTimeoutMillis,
            ObjLongConsumer<CounterCheck> onAnswer) {
        this.vertx = vertx;
        this.redis = redis;
        this.loopClient = loopClient;
        this.own = vertx.getOrCreateContext();
        this.onAnswer = onAnswer;
        this.callTimeoutMillis = callTimeoutMillis;
    }

    void callTimeoutMillis(long millis) {
        this.callTimeoutMillis = millis;
    }

    long callTimeoutMillis() {
        return callTimeoutMillis;
    }

    /** Closes the event loops' own clients. */
    Future<Void> close() {
        List<Future<Void>> closing = new ArrayList<>();
        for (Redis r; (r = loopClients.poll()) != null; ) {
            closing.add(r.close());
        }
        return Future.join(closing).otherwiseEmpty().mapEmpty();
    }

    /** Checks all and charges all, or none, in the next batch of the caller's event loop. */
    Future<CheckOutcome> submit(List<CounterCheck> checks) {
        if (!PackedAdmissions.oneBucket(checks)) { // plans take one instant: never for a limiter's own checks
            return Future.failedFuture(new IllegalArgumentException("an admission's sliding checks span buckets"));
        }
        AdmissionBatch.Item item = new AdmissionBatch.Item(checks);
        Context ctx = Vertx.currentContext();
        if (ctx != null && ctx.owner() == vertx && ctx.isEventLoopContext()) {
            queue(ctx).add(item);
        } else {
            own.runOnContext(v -> queue(own).add(item));
        }
        return item.answer.future();
    }

    /** The context's queue; only ever called on that context. */
    private Queue queue(Context ctx) {
        Queue q = ctx.get(this);
        if (q == null) {
            q = new Queue(ctx);
            ctx.put(this, q);
        }
        return q;
    }

    private final class Queue {
        private final Context ctx;
        /** The context's event-loop thread, on which this queue is created and used. */
        private final Thread loop;
        private final ArrayDeque<AdmissionBatch.Item> waiting = new ArrayDeque<>();
        private int inFlight;
        private boolean flushQueued;

        /** The connections of this context: its own (opened from it, so on its loop), or the shared pool. */
        private final Redis client;

        Queue(Context ctx) {
            this.ctx = ctx;
            this.loop = ctx.isEventLoopContext() ? Thread.currentThread() : null;
            if (loopClient != null) {
                client = loopClient.get();
                loopClients.add(client);
            } else {
                client = redis;
            }
        }

        void add(AdmissionBatch.Item item) {
            waiting.add(item);
            queueFlush();
        }

        /** Flushes at the end of this turn, when a batch may go. */
        private void queueFlush() {
            if (!flushQueued && inFlight < IN_FLIGHT && !waiting.isEmpty()) {
                flushQueued = true;
                ctx.runOnContext(v -> flush());
            }
        }

        private void flush() {
            flushQueued = false;
            while (inFlight < IN_FLIGHT && !waiting.isEmpty()) {
                List<AdmissionBatch.Item> items = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
                while (items.size() < MAX_BATCH && !waiting.isEmpty()) {
                    items.add(waiting.poll());
                }
                inFlight++;
                long timeout = callTimeoutMillis;
                AdmissionBatch.Timing timing = new AdmissionBatch.Timing(timeout, CONNECT_WAIT_TIMEOUTS * timeout,
                        MAX_CALL_TIMEOUTS * timeout);
                new AdmissionBatch(ctx, loop, items, onAnswer).send(client, timing, lastAnswer, () -> {
                    inFlight--;
                    queueFlush();
                });
            }
        }
    }
}
