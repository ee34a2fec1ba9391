package dev.switchboard.tokens;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps token estimation off the event loops. A body of at most {@link #INLINE_BYTES} is estimated where it is
 * (at most a few hundred microseconds even for the worst text), so the plain path pays no thread hop. Larger bodies
 * go to a small pool of daemon threads with a bounded queue, and the answer comes back on the caller's context.
 * When the pool is saturated the request gets {@link TokenEstimator#cheapEstimate} instead (about one JSON parse,
 * which the decoder already paid once; it errs high), so a flood of large prompts never queues without bound.
 * An {@link Error} in the estimator (e.g. OutOfMemoryError) fails the future, so the request still gets an answer.
 */
public final class EstimateWorkers {
    /** Bodies up to this size are estimated inline (at ~0.25 µs a character for the worst text: ~1 ms). */
    public static final int INLINE_BYTES = 4 * 1024;
    static final int THREADS = 2;
    static final int QUEUE = 32;

    private final TokenEstimator estimator;
    private final ThreadPoolExecutor pool;

    public EstimateWorkers(TokenEstimator estimator) {
        this(estimator, THREADS, QUEUE);
    }

    EstimateWorkers(TokenEstimator estimator, int threads, int queue) {
        this.estimator = estimator;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "switchboard-tokens-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** The estimate now when the body is small enough to count on the calling thread, else null. */
    public RequestEstimate inline(String model, byte[] body) {
        return body.length <= INLINE_BYTES || Vertx.currentContext() == null ? estimator.estimate(model, body) : null;
    }

    /** The estimate from a worker, completed on the calling context; the cheap estimate when the workers are busy. */
    public Future<RequestEstimate> offLoop(String model, byte[] body) {
        Context context = Vertx.currentContext();
        Promise<RequestEstimate> promise = Promise.promise();
        try {
            pool.execute(() -> {
                RequestEstimate estimate;
                try {
                    estimate = estimator.estimate(model, body);
                } catch (Throwable t) { // not rethrown: this thread has nothing to unwind; the request answers a 500
                    context.runOnContext(v -> promise.fail(t));
                    return;
                }
                context.runOnContext(v -> promise.complete(estimate));
            });
        } catch (RejectedExecutionException busy) {
            return Future.succeededFuture(estimator.cheapEstimate(model, body));
        }
        return promise.future();
    }
}
