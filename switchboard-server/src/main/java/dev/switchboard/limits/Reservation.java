package dev.switchboard.limits;

/**
 * What an admitted request holds: its token estimate and worst-case cost. Settle it once, with
 * {@link #reconcile} when the upstream answered (actual usage replaces the estimate: a refund or an
 * extra charge) or {@link #release} when the request failed before reaching the upstream (everything,
 * including the request count, is given back). Later calls are ignored.
 */
public interface Reservation {
    Reservation NONE = new Reservation() {
        @Override
        public void reconcile(long actualTokens, long actualMicroUsd) {
        }

        @Override
        public void release() {
        }
    };

    void reconcile(long actualTokens, long actualMicroUsd);

    void release();
}
