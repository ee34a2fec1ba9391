package dev.switchboard.limits;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One deadline for many futures, timed on the caller's own event loop. Vert.x's {@code Future.timeout} on a future
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

    /** {@code f}, or a failure with a {@link TimeoutException} if it has not completed within the timeout. */
    <T> Future<T> of(Future<T> f) {
        if (f.isComplete()) {
            return f;
        }
        Promise<T> out = Promise.promise();
        f.onComplete(ar -> { // the timeout may have won: then this is ignored
            if (ar.succeeded()) {
                out.tryComplete(ar.result());
            } else {
                out.tryFail(ar.cause());
            }
        });
        if (out.future().isComplete()) {
            return out.future();
        }
        Context ctx = Vertx.currentContext();
        if (ctx != null && ctx.owner() == vertx && ctx.isEventLoopContext()) {
            deadlines(ctx).add(out);
        } else { // off a loop: a timer of its own
            long timer = vertx.setTimer(millis, id -> out.tryFail(timeout()));
            out.future().onComplete(ar -> vertx.cancelTimer(timer));
        }
        return out.future();
    }

    private TimeoutException timeout() {
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
        private record Pending(Promise<?> promise, long dueNanos) {
        }

        private final Context ctx;
        private final ArrayDeque<Pending> queue = new ArrayDeque<>();
        private boolean armed;

        Deadlines(Context ctx) {
            this.ctx = ctx;
        }

        void add(Promise<?> p) {
            dropAnswered();
            queue.add(new Pending(p, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis)));
            arm();
        }

        private void dropAnswered() {
            while (!queue.isEmpty() && queue.peek().promise().future().isComplete()) {
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
            for (Pending p; (p = queue.peek()) != null && (p.promise().future().isComplete() || p.dueNanos() - now <= 0); ) {
                queue.poll();
                p.promise().tryFail(timeout());
            }
            arm();
        }
    }
}
