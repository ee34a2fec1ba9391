package dev.switchboard.limits;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Lets a request wait, up to its {@link AdmissionRequest#maxWait()}, for a rate window to open instead of
 * being refused: on a rate refusal whose retry time fits in the remaining wait it tries again after a
 * timer (never blocking a thread). Budget and unavailability refusals are answered at once.
 */
public final class QueueingLimiter implements Limiter {
    /** Retries land just after the window boundary, not on it. */
    private static final long SLACK_MILLIS = 5;

    private final Vertx vertx;
    private final Limiter delegate;

    public QueueingLimiter(Vertx vertx, Limiter delegate) {
        this.vertx = vertx;
        this.delegate = delegate;
    }

    @Override
    public Future<Admission> admit(AdmissionRequest request) {
        long deadline = System.nanoTime() + request.maxWait().toNanos();
        Promise<Admission> result = Promise.promise();
        attempt(request, deadline, result);
        return result.future();
    }

    private void attempt(AdmissionRequest request, long deadline, Promise<Admission> result) {
        delegate.admit(request).onComplete(ar -> {
            if (ar.failed()) {
                result.fail(ar.cause());
                return;
            }
            Admission a = ar.result();
            Refusal r = a.refusal().orElse(null);
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (r == null || !r.kind().isRate() || !r.retryable() || r.retryAfterMillis() + SLACK_MILLIS > leftMillis) {
                result.complete(a);
                return;
            }
            vertx.setTimer(Math.max(1, r.retryAfterMillis() + SLACK_MILLIS), id -> attempt(request, deadline, result));
        });
    }
}
