package dev.switchboard.limits;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One deadline for many waits, timed on the caller's own event loop. Vert.x's {@code Future.timeout} on a future
 * that belongs to no context schedules (and cancels) on Netty's one global executor thread: a thread hand-off for
 * every admission, which showed as 6 % of the gateway's CPU; a timer per future on the loop still cost about 0.7 µs
 * per admission (scheduling and cancelling it). Every future gets the same timeout, so deadlines come in the order
 * futures do: each loop keeps them in a queue, drops the answered ones from its head as new ones come, and keeps one
 * timer, for the oldest unanswered one.
 */
final class LoopTimeout {
    private final Vertx vertx;
    private final long millis;

    LoopTimeout(Vertx vertx, long millis) {
        this.vertx = vertx;
        this.millis = Math.max(1, millis);
    }

    /**
     * Runs {@code expire} once the timeout has passed, unless {@code done} completed first (then nothing runs). Call
     * on an event loop to share its one timer; elsewhere a timer of its own is set.
     */
    void watch(Future<?> done, Runnable expire) {
        if (done.isComplete()) {
            return;
        }
        Context ctx = Vertx.currentContext();
        if (ctx != null && ctx.owner() == vertx && ctx.isEventLoopContext()) {
            deadlines(ctx).add(done, expire);
        } else {
            long timer = vertx.setTimer(millis, id -> {
                if (!done.isComplete()) {
                    expire.run();
                }
            });
            done.onComplete(ar -> vertx.cancelTimer(timer));
        }
    }

    /** The failure of a wait this timeout ended. */
    TimeoutException timeout() {
        return new TimeoutException("timed out after " + millis + " ms");
    }

    private Deadlines deadlines(Context ctx) {
        Deadlines d = ctx.get(this);
        if (d == null) {
            d = new Deadlines(ctx);
            ctx.put(this, d);
        }
        return d;
    }

    /** One loop's pending futures, oldest first; touched only by the loop's thread. */
    private final class Deadlines {
        private record Pending(Future<?> done, Runnable expire, long dueNanos) {
        }

        private final Context ctx;
        private final ArrayDeque<Pending> queue = new ArrayDeque<>();
        private boolean armed;

        Deadlines(Context ctx) {
            this.ctx = ctx;
        }

        void add(Future<?> done, Runnable expire) {
            dropAnswered();
            queue.add(new Pending(done, expire, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis)));
            arm();
        }

        private void dropAnswered() {
            while (!queue.isEmpty() && queue.peek().done().isComplete()) {
                queue.poll();
            }
        }

        private void arm() {
            if (armed || queue.isEmpty()) {
                return;
            }
            armed = true;
            long wait = TimeUnit.NANOSECONDS.toMillis(queue.peek().dueNanos() - System.nanoTime());
            ctx.owner().setTimer(Math.max(1, wait + 1), id -> expire());
        }

        private void expire() {
            armed = false;
            long now = System.nanoTime();
            for (Pending p; (p = queue.peek()) != null && (p.done().isComplete() || p.dueNanos() - now <= 0); ) {
                queue.poll();
                if (!p.done().isComplete()) {
                    p.expire().run();
                }
            }
            arm();
        }
    }
}
