package dev.switchboard.limits;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeoutException;

/**
 * A deadline on a future, timed on the caller's own event loop. Vert.x's {@code Future.timeout} on a future that
 * belongs to no context schedules (and cancels) on Netty's one global executor thread: a thread hand-off for every
 * admission, which showed as 6 % of the gateway's CPU. Here the timer lives on the caller's loop and is cancelled
 * there when the future completes first.
 */
final class LoopTimeout {
    private LoopTimeout() {
    }

    static <T> Future<T> of(Vertx vertx, Future<T> f, long millis) {
        if (f.isComplete()) {
            return f;
        }
        Promise<T> out = Promise.promise();
        long timer = vertx.setTimer(Math.max(1, millis), id -> out.tryFail(new TimeoutException("timed out after " + millis + " ms")));
        f.onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) { // the timeout may have won: then this is ignored
                out.tryComplete(ar.result());
            } else {
                out.tryFail(ar.cause());
            }
        });
        return out.future();
    }
}
