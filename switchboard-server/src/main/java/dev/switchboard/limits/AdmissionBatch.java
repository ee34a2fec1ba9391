package dev.switchboard.limits;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Admissions sent to Redis as one {@link RedisScripts#ADMIT_MANY} call, on one pooled connection. The call timeout
 * starts when the call is sent, so time spent waiting for a connection or behind this instance's other batches (a
 * burst) never counts as Redis being slow; waiting for a connection has its own, longer bound. Everything runs on the
 * batch's context.
 */
final class AdmissionBatch {
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
    private final BiConsumer<List<CounterCheck>, CheckOutcome> onAnswer;
    /** The batch's slot was given back: answered, failed, timed out, or gave up waiting for a connection. */
    private boolean done;
    /** The timer of the current wait (for a connection, then for the answer). */
    private long timer;

    /**
     * @param loop the event-loop thread of {@code ctx} (answers arriving on it need no hop), or null when the context
     *             has no fixed thread
     */
    AdmissionBatch(Context ctx, Thread loop, List<Item> items, BiConsumer<List<CounterCheck>, CheckOutcome> onAnswer) {
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
        Future<Response> reply = RedisScripts.ADMIT_MANY.run(conn, keyCount(), this::encode);
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
                if (ar.succeeded()) {
                    deliver(ar.result());
                } else {
                    items.forEach(i -> target(i).tryFail(ar.cause()));
                }
                finish(freeSlot);
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

    private int keyCount() {
        int n = 0;
        for (Item i : items) {
            n += i.checks.size();
        }
        return n;
    }

    /** KEYS: every check's key, admission after admission. ARGV: count, checks per admission, then 5 per check. */
    private void encode(Request r) {
        for (Item i : items) {
            for (CounterCheck c : i.checks) {
                r.arg(c.key());
            }
        }
        r.arg(items.size());
        for (Item i : items) {
            r.arg(i.checks.size());
        }
        for (Item i : items) {
            for (CounterCheck c : i.checks) {
                r.arg(c.increment()).arg(c.required()).arg(c.limit()).arg(c.ttlSeconds()).arg(c.bucket());
            }
        }
    }

    private void deliver(Response r) {
        for (int j = 0; j < items.size(); j++) {
            Item i = items.get(j);
            try {
                if (r == null || r.size() != items.size()) {
                    throw new IllegalStateException("unexpected limiter script answer");
                }
                CheckOutcome outcome = RedisLimiter.outcome(r.get(j), i.checks.size());
                onAnswer.accept(i.checks, outcome);
                target(i).tryComplete(outcome);
            } catch (RuntimeException e) {
                target(i).tryFail(e);
            }
        }
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
