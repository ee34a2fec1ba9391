package dev.switchboard.limits;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** A limiter over a counter store: plans the checks, asks the store, and hands out reservations. */
abstract class CountingLimiter implements Limiter {
    private final Clock clock;
    private final String prefix;

    CountingLimiter(Clock clock, String prefix) {
        this.clock = clock;
        this.prefix = prefix;
    }

    /** Checks all and increments all atomically, or none. */
    abstract Future<CheckOutcome> checkAndAdd(List<CounterCheck> checks);

    /** Adds deltas to counters that still exist; may be deferred and batched. */
    abstract void adjust(Map<String, Long> deltas);

    @Override
    public Future<Admission> admit(AdmissionRequest request) {
        AdmissionPlan plan = new AdmissionPlan(prefix, request, clock.millis());
        if (plan.checks().isEmpty()) {
            return Future.succeededFuture(Admission.admitted(Reservation.NONE, null, null));
        }
        return checkAndAdd(plan.checks())
                .map(outcome -> plan.toAdmission(outcome, outcome.admitted() ? new Held(plan) : Reservation.NONE));
    }

    Clock clock() {
        return clock;
    }

    /** An admitted request's increments, settled once. */
    private final class Held implements Reservation {
        private final AdmissionPlan plan;
        private final AtomicBoolean settled = new AtomicBoolean();

        Held(AdmissionPlan plan) {
            this.plan = plan;
        }

        @Override
        public void reconcile(long actualTokens, long actualMicroUsd) {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            Map<String, Long> deltas = new LinkedHashMap<>();
            for (CounterCheck c : plan.checks()) {
                long delta = switch (c.kind()) {
                    case TOKENS_PER_MINUTE, TOKENS_PER_DAY -> Math.max(0, actualTokens) - c.increment();
                    case BUDGET -> Math.max(0, actualMicroUsd) - c.increment();
                    default -> 0;
                };
                if (delta != 0) {
                    deltas.put(c.key(), delta);
                }
            }
            if (!deltas.isEmpty()) {
                adjust(deltas);
            }
        }

        @Override
        public void release() {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            Map<String, Long> deltas = new LinkedHashMap<>();
            for (CounterCheck c : plan.checks()) {
                if (c.increment() != 0) {
                    deltas.put(c.key(), -c.increment());
                }
            }
            adjust(deltas);
        }
    }
}
