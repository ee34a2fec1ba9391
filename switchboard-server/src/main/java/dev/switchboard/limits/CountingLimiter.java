package dev.switchboard.limits;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** A limiter over a counter store: plans the checks, asks the store, and hands out reservations. */
abstract class CountingLimiter implements Limiter {
    private final Clock clock;
    /** The counters' keys, built once per scope. */
    private final CounterNames names;
    private final RoomSignal signal;

    CountingLimiter(Clock clock, String prefix, RoomSignal signal) {
        this.clock = clock;
        this.names = new CounterNames(prefix);
        this.signal = signal;
    }

    /** Checks all and increments all atomically, or none. */
    abstract Future<CheckOutcome> checkAndAdd(List<CounterCheck> checks);

    /** Adds deltas to slots that still exist; may be deferred and batched: completes once the store has them. */
    abstract Future<Void> adjust(Map<Slot, Long> deltas);

    /** A reservation's settlement: applies it, then wakes requests queued on the scopes it gave room back to. */
    final void settle(Map<Slot, Long> deltas, Collection<String> freedScopes) {
        Future<Void> applied = adjust(deltas);
        if (!freedScopes.isEmpty()) {
            applied.onSuccess(v -> signal.freed(freedScopes));
        }
    }

    @Override
    public RoomSignal roomSignal() {
        return signal;
    }

    @Override
    public Future<Admission> admit(AdmissionRequest request) {
        AdmissionPlan plan = new AdmissionPlan(names, request, clock.millis());
        if (plan.checks().isEmpty()) {
            return Future.succeededFuture(Admission.admitted(Reservation.NONE, null, null));
        }
        Admission never = plan.neverFits();
        if (never != null) {
            return Future.succeededFuture(never);
        }
        return checkAndAdd(plan.checks()).transform(ar -> {
            if (ar.succeeded()) {
                return Future.succeededFuture(toAdmission(plan, ar.result()));
            }
            if (ar.cause() instanceof LateAnswer late) { // its answer, should it come, is an admission too
                return Future.failedFuture(late.<CheckOutcome, Admission>map(outcome -> toAdmission(plan, outcome)));
            }
            return Future.failedFuture(ar.cause());
        });
    }

    private Admission toAdmission(AdmissionPlan plan, CheckOutcome outcome) {
        return plan.toAdmission(outcome, outcome.admitted() ? new HeldReservation(this, plan, outcome.granted()) : Reservation.NONE);
    }

    Clock clock() {
        return clock;
    }
}
