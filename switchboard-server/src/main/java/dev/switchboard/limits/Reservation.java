package dev.switchboard.limits;

import io.vertx.core.Future;

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

        @Override
        public Future<Boolean> extend(long moreTokens, long moreMicroUsd) {
            return Future.succeededFuture(true);
        }
    };

    void reconcile(long actualTokens, long actualMicroUsd);

    /**
     * The tokens admission granted on the tightest token counter: what was asked, or less when a counter had less
     * room left; {@link Long#MAX_VALUE} when no token counter applies or it is not known.
     */
    default long grantedTokens() {
        return Long.MAX_VALUE;
    }

    /** {@link #grantedTokens()} for budgets, in micro-USD. */
    default long grantedMicroUsd() {
        return Long.MAX_VALUE;
    }

    void release();

    /**
     * For a stream outgrowing its reservation: reserves {@code moreTokens} and {@code moreMicroUsd} on the
     * same counters if every limit allows it (true), else reserves nothing (false: cut the stream). Do not
     * call concurrently with settling; after settling it answers false. A failed future means the counters
     * could not be reached; the caller chooses to continue or not.
     */
    Future<Boolean> extend(long moreTokens, long moreMicroUsd);
}
