package dev.switchboard.limits;

import io.vertx.core.Future;

/**
 * The reservation of a request that Redis did not answer in time and the local fallback admitted. Redis may still
 * run the admission and count it; when that late answer arrives its reservation is settled exactly as this one
 * (the same actual usage, or released), whichever comes first, so Redis ends up with the request's real cost
 * instead of a worst case that is never reconciled.
 */
final class LateAnswerReservation implements Reservation {
    private static final long[] RELEASED = {};

    private final Reservation local;
    private Reservation late;
    private long[] settled;
    /** Redis admitted it while the request was running: extensions go to Redis from then on. */
    private boolean handedOver;

    LateAnswerReservation(Reservation local) {
        this.local = local;
    }

    /**
     * Redis's answer arrived (admitted or not). If the request is still running, Redis now holds it: the local
     * counters give it back (so what is handed to Redis after an outage does not count it twice).
     */
    void lateAnswer(Admission admission) {
        Reservation r = admission.reservation();
        long[] s;
        synchronized (this) {
            late = r;
            s = settled;
            handedOver = s == null && admission.admitted();
        }
        if (s != null) {
            apply(r, s);
            if (admission.admitted() && local instanceof HeldReservation held) {
                held.withdraw(); // counted in Redis now: not twice when local counts are handed back
            }
        } else if (admission.admitted()) {
            local.release();
            if (local instanceof HeldReservation held) {
                held.withdraw(); // a reconcile that slipped in before the release
            }
        }
    }

    @Override
    public void reconcile(long actualTokens, long actualMicroUsd) {
        local.reconcile(actualTokens, actualMicroUsd); // ignored when the late answer already took over
        settle(new long[] {actualTokens, actualMicroUsd});
    }

    @Override
    public long grantedTokens() {
        return local.grantedTokens(); // what admission granted, on the counters that admitted it
    }

    @Override
    public long grantedMicroUsd() {
        return local.grantedMicroUsd();
    }

    @Override
    public void release() {
        local.release();
        settle(RELEASED);
    }

    @Override
    public Future<Boolean> extend(long moreTokens, long moreMicroUsd) {
        Reservation r;
        synchronized (this) {
            r = handedOver ? late : local;
        }
        return r.extend(moreTokens, moreMicroUsd);
    }

    private void settle(long[] how) {
        Reservation r;
        synchronized (this) {
            if (settled != null) {
                return;
            }
            settled = how;
            r = late;
        }
        if (r != null) {
            apply(r, how);
        }
    }

    private static void apply(Reservation r, long[] how) {
        if (how == RELEASED) {
            r.release();
        } else {
            r.reconcile(how[0], how[1]);
        }
    }
}
