package dev.switchboard.limits;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a request wait, up to its {@link AdmissionRequest#maxWait()}, for room on a rate limit instead of being
 * refused. A request refused by a rate limit queues on the refusing scope's {@link RoomSignal} and tries again when
 * the first of these comes: a refund or release on that scope wakes it (earliest waiter first), the refusal's
 * retry-after passes (old buckets drop out of the window), or its wait ends (one last try; if refused, the caller
 * gets that refusal with its retry-after). Never blocks a thread: a waiter is a queue entry and one timer, and its
 * retries run on the context it arrived on. Budget, unavailable and too-large refusals are answered at once.
 */
public final class QueueingLimiter implements Limiter {
    /** Retries land just after the window boundary, not on it. */
    private static final long SLACK_MILLIS = 5;

    private final Vertx vertx;
    private final Limiter delegate;
    private final RoomSignal signal;
    /** Shared by all queues: a signal orders its waiters by it, and equal orders would collide. */
    private static final AtomicLong ARRIVALS = new AtomicLong();

    public QueueingLimiter(Vertx vertx, Limiter delegate) {
        this.vertx = vertx;
        this.delegate = delegate;
        RoomSignal s = delegate.roomSignal();
        this.signal = s == null ? new RoomSignal() : s; // nothing announces room: retry-after timers only
    }

    @Override
    public Future<Admission> admit(AdmissionRequest request) {
        if (request.maxWait().isZero() || request.maxWait().isNegative()) {
            return delegate.admit(request);
        }
        Waiter w = new Waiter(request, System.nanoTime() + request.maxWait().toNanos(), vertx.getOrCreateContext());
        w.attempt(null);
        return w.result.future();
    }

    @Override
    public RoomSignal roomSignal() {
        return signal;
    }

    /** One queued request. Its fields are used on its context only (wakes hop there first). */
    private final class Waiter implements RoomSignal.Waiter {
        final long order = ARRIVALS.incrementAndGet();
        final AdmissionRequest request;
        final long deadline;
        final Context context;
        final Promise<Admission> result = Promise.promise();
        /** Bumped on each queueing, so a stale timer does nothing. */
        long generation;
        volatile long timer = -1;

        Waiter(AdmissionRequest request, long deadline, Context context) {
            this.request = request;
            this.deadline = deadline;
            this.context = context;
        }

        @Override
        public long order() {
            return order;
        }

        @Override
        public void wake(String scopeId) {
            vertx.cancelTimer(timer);
            context.runOnContext(v -> attempt(scopeId));
        }

        /** @param wokenFor the scope whose refund woke this try, or null (first try, timer) */
        void attempt(String wokenFor) {
            delegate.admit(request).onComplete(ar -> {
                if (Vertx.currentContext() == context) {
                    decide(ar, wokenFor);
                } else {
                    context.runOnContext(v -> decide(ar, wokenFor));
                }
            });
        }

        private void decide(AsyncResult<Admission> ar, String wokenFor) {
            Refusal r = ar.succeeded() ? ar.result().refusal().orElse(null) : null;
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
            boolean wait = r != null && r.kind().isRate() && r.retryable() && r.scopeId() != null && leftMillis > 0;
            if (wokenFor != null && !(wait && wokenFor.equals(r.scopeId()))) {
                // admitted, or stopped by another scope: the room freed on wokenFor may fit the next waiter
                signal.wakeFirst(wokenFor);
            }
            if (!wait) {
                result.handle(ar);
                return;
            }
            queue(r.scopeId(), Math.min(r.retryAfterMillis() + SLACK_MILLIS, leftMillis));
        }

        private void queue(String scopeId, long delayMillis) {
            long gen = ++generation;
            // the timer first: a wake that comes right after await() finds it to cancel
            timer = vertx.setTimer(Math.max(1, delayMillis), id -> {
                if (gen == generation && signal.leave(scopeId, this)) {
                    attempt(null);
                }
            });
            signal.await(scopeId, this);
        }
    }
}
