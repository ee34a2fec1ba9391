package dev.switchboard.limits;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ObjLongConsumer;

/**
 * Admissions sent to Redis as one {@link RedisScripts#ADMIT_MANY} call, on one pooled connection. The call timeout
 * starts when the call is sent, so time spent waiting for a connection or behind this instance's other batches (a
 * burst) never counts as Redis being slow; waiting for a connection has its own, longer bound. Everything runs on the
 * batch's context.
 */
final class AdmissionBatch {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdmissionBatch.class);
    /** One admission waiting for its answer. */
    static final class Item {
        final List<CounterCheck> checks;
        final Promise<CheckOutcome> answer = Promise.promise();
        /** Set when the batch timed out: where Redis's answer goes if it still comes. */
        Promise<CheckOutcome> late;

        Item(List<CounterCheck> checks) {
            this.checks = checks;
        }
    }

    /** A timer firing later than this is taken as this instance standing still for the excess. */
    private static final long STALL_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final Context ctx;
    private final Thread loop;
    private final List<Item> items;
    /** Told each counter's latest value in Redis's answer, once per counter and call. */
    private final ObjLongConsumer<CounterCheck> onAnswer;
    /** The call's packing, once built. */
    private PackedAdmissions packed;
    /** The batch's slot was given back: answered, failed, timed out, or gave up waiting for a connection. */
    private boolean done;
    /** The timer of the current wait (for a connection, then for the answer). */
    private long timer;

    /**
     * @param loop the event-loop thread of {@code ctx} (answers arriving on it need no hop), or null when the context
     *             has no fixed thread
     */
    AdmissionBatch(Context ctx, Thread loop, List<Item> items, ObjLongConsumer<CounterCheck> onAnswer) {
        this.ctx = ctx;
        this.loop = loop;
        this.items = items;
        this.onAnswer = onAnswer;
    }

    /**
     * How long a batch may wait: for a connection ({@code connectWaitMillis}), for Redis while it answers nothing at
     * all ({@code callTimeoutMillis}), and for its own answer while Redis keeps answering others ({@code maxCallMillis}).
     */
    record Timing(long callTimeoutMillis, long connectWaitMillis, long maxCallMillis) {
    }

    /**
     * Sends the batch; {@code freeSlot} runs once, when the batch no longer holds its place. {@code lastAnswer}: when
     * Redis last answered a batch of this limiter ({@link System#nanoTime}). Call on the context.
     */
    void send(Redis redis, Timing timing, AtomicLong lastAnswer, Runnable freeSlot) {
        long queuedAt = System.nanoTime();
        long wait = TimeUnit.MILLISECONDS.toNanos(timing.connectWaitMillis());
        deadline(wait, (now, stalled) -> wait - (now - queuedAt - stalled), () -> {
            failAll(new TimeoutException("no Redis connection within " + timing.connectWaitMillis() + " ms"));
            finish(freeSlot);
        });
        redis.connect().onComplete(ar -> onContext(() -> {
            if (done) { // gave up waiting: the connection goes back unused
                if (ar.succeeded()) {
                    ar.result().close();
                }
                return;
            }
            ctx.owner().cancelTimer(timer);
            if (ar.failed()) {
                failAll(ar.cause() instanceof ConnectionPoolTooBusyException
                        ? new TimeoutException("Redis connection pool busy: " + ar.cause().getMessage()) : ar.cause());
                finish(freeSlot);
                return;
            }
            call(ar.result(), timing, lastAnswer, freeSlot);
        }));
    }

    private void call(RedisConnection conn, Timing timing, AtomicLong lastAnswer, Runnable freeSlot) {
        try {
            packed = PackedAdmissions.of(items);
        } catch (RuntimeException e) { // never leave the batch holding its connection and slot
            conn.close();
            failAll(e);
            finish(freeSlot);
            return;
        }
        Future<Response> reply = RedisScripts.ADMIT_MANY.run(conn, packed.keyCount(), packed::appendTo);
        // the clock starts once the call is on its way: building and writing it is this instance's work, not Redis's
        long sentAt = System.nanoTime();
        long timeout = TimeUnit.MILLISECONDS.toNanos(timing.callTimeoutMillis());
        long max = TimeUnit.MILLISECONDS.toNanos(timing.maxCallMillis());
        // Redis has answered nothing for a call timeout (hung, unreachable), or this batch waited its most (too busy)
        deadline(timeout, (now, stalled) -> Math.min(timeout - (now - Math.max(sentAt, lastAnswer.get()) - stalled),
                max - (now - sentAt)), () -> {
                    timeOut(timing.callTimeoutMillis());
                    finish(freeSlot);
                });
        reply.onComplete(ar -> {
            lastAnswer.accumulateAndGet(System.nanoTime(), Math::max);
            onContext(() -> {
                conn.close(); // back to the pool, only now that its answer is in
                ctx.owner().cancelTimer(timer);
                try {
                    if (ar.succeeded()) {
                        deliver(ar.result());
                    } else {
                        items.forEach(i -> target(i).tryFail(ar.cause()));
                    }
                } catch (RuntimeException e) { // an answer of another shape: none is left waiting
                    items.forEach(i -> target(i).tryFail(e));
                } finally {
                    finish(freeSlot);
                }
            });
        });
    }

    /** Nanoseconds left of a wait, given the time now and how long this instance stood still while waiting. */
    private interface Remaining {
        long at(long now, long stalledNanos);
    }

    /**
     * Runs {@code expire} on the context once nothing is {@link Remaining} of a wait, checking again when the wait
     * might be over. A check that runs late means this instance stood still (a GC pause, a starved CPU), and an answer
     * may be waiting unread: that time is not counted against Redis.
     */
    private void deadline(long delayNanos, Remaining remaining, Runnable expire) {
        deadline(delayNanos, 0, remaining, expire);
    }

    private void deadline(long delayNanos, long stalledNanos, Remaining remaining, Runnable expire) {
        long due = System.nanoTime() + delayNanos;
        timer = ctx.owner().setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos)), t -> {
            if (done) {
                return;
            }
            long now = System.nanoTime();
            long stalled = stalledNanos + Math.max(0, now - due - STALL_SLACK_NANOS);
            long left = remaining.at(now, stalled);
            if (left <= 0) {
                expire.run();
            } else {
                deadline(left, stalled, remaining, expire);
            }
        });
    }

    /** Hands each admission its part of Redis's packed answer ({@link RedisScripts#ADMIT_MANY}). */
    private void deliver(Response r) {
        Buffer answer = r == null ? null : r.toBuffer();
        CheckOutcome[] outcomes = new CheckOutcome[items.size()];
        RuntimeException[] failures = new RuntimeException[items.size()];
        int at = 0;
        for (int n = 0; n < outcomes.length; n++) {
            int checks = items.get(n).checks.size();
            try {
                CheckOutcome outcome = outcome(answer, at, checks);
                at += outcome.admitted() ? 1 + 2 * checks : 2 + checks;
                outcomes[n] = outcome;
            } catch (RuntimeException e) {
                at = Integer.MAX_VALUE / 2; // out of step with the answer: the rest fail too
                failures[n] = e;
            }
        }
        // before anyone hears their answer: a counter's last value in the answer is its newest, earlier ones would
        // only be overwritten
        try {
            for (int k = 0; k < packed.keyCount(); k++) {
                CheckOutcome last = outcomes[packed.lastItem(k)];
                if (last != null && packed.newest(k)) {
                    int check = packed.lastCheck(k);
                    onAnswer.accept(items.get(packed.lastItem(k)).checks.get(check), last.values()[check]);
                }
            }
        } catch (RuntimeException e) { // the fallback's memory helps an outage; it never fails an answered admission
            LOG.warn("limit counters' last values not kept for the fallback: {}", e.toString());
        }
        for (int n = 0; n < outcomes.length; n++) {
            if (outcomes[n] != null) {
                target(items.get(n)).tryComplete(outcomes[n]);
            } else {
                target(items.get(n)).tryFail(failures[n]);
            }
        }
    }

    /** One admission's answer of {@code n} checks, starting at number {@code at} of the call's packed answer. */
    static CheckOutcome outcome(Buffer answer, int at, int n) {
        int size = answer == null ? 0 : answer.length() / Long.BYTES;
        if (at >= size) {
            throw new IllegalStateException("unexpected limiter script answer");
        }
        long refused = number(answer, at);
        if (refused < 0 || refused > n || at + (refused == 0 ? 1 + 2 * n : 2 + n) > size) {
            throw new IllegalStateException("unexpected limiter script answer");
        }
        long[] values = new long[n];
        long[] granted = new long[n];
        if (refused == 0) {
            for (int k = 0; k < n; k++) {
                values[k] = number(answer, at + 1 + 2 * k);
                granted[k] = number(answer, at + 2 + 2 * k);
            }
            return new CheckOutcome(-1, values, granted, -1);
        }
        for (int k = 0; k < n; k++) {
            values[k] = number(answer, at + 2 + k);
        }
        return new CheckOutcome((int) refused - 1, values, granted, number(answer, at + 1));
    }

    private static long number(Buffer answer, int index) {
        return answer.getLongLE(index * Long.BYTES);
    }

    /** Fails every admission now; each keeps a place for Redis's answer should it still come. */
    private void timeOut(long callTimeoutMillis) {
        String message = "Redis did not answer within " + callTimeoutMillis + " ms";
        for (Item i : items) {
            i.late = Promise.promise();
            i.answer.tryFail(new LateAnswer(message, i.late.future(), this));
        }
    }

    private void failAll(Throwable cause) {
        items.forEach(i -> i.answer.tryFail(cause));
    }

    private static Promise<CheckOutcome> target(Item i) {
        return i.late != null ? i.late : i.answer;
    }

    private void finish(Runnable freeSlot) {
        if (!done) {
            done = true;
            freeSlot.run();
        }
    }

    private void onContext(Runnable r) {
        if (loop != null ? Thread.currentThread() == loop : io.vertx.core.Vertx.currentContext() == ctx) {
            r.run();
        } else {
            ctx.runOnContext(v -> r.run());
        }
    }
}
