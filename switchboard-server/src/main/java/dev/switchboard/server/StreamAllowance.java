package dev.switchboard.server;

import dev.switchboard.limits.Reservation;
import io.vertx.core.Future;

/**
 * Keeps a stream within its reservation. Admission reserved the request's output cap; a stream that goes beyond
 * it (bytes are counted as an upper bound of tokens: a token is at least one byte of output) asks for one more
 * step of tokens and money at a time, and is stopped when a limit or budget has no room left. Reconciliation at
 * the end replaces these steps with the real usage, so over-counting here is never billed.
 */
final class StreamAllowance {
    static final long STEP_TOKENS = 1024;

    private final Reservation reservation;
    private final long microUsdPerStep;
    private long nextCheckBytes;
    private boolean asking;
    /** Money reserved by granted steps beyond the admission's reservation. */
    private long extendedMicroUsd;

    StreamAllowance(Reservation reservation, long reservedOutputTokens, long microUsdPerStep) {
        this.reservation = reservation;
        this.microUsdPerStep = microUsdPerStep;
        // framing makes bytes several times the tokens: the first check comes well after the cap could be reached
        this.nextCheckBytes = Math.max(reservedOutputTokens, STEP_TOKENS) * 4;
    }

    /** What the granted steps added to the reservation, in micro-USD. */
    long extendedMicroUsd() {
        return extendedMicroUsd;
    }

    /** Null when nothing is due; else a future telling whether the stream may go on. One question at a time. */
    Future<Boolean> check(long relayedBytes) {
        if (relayedBytes < nextCheckBytes || asking) {
            return null;
        }
        asking = true;
        nextCheckBytes += STEP_TOKENS * 4;
        return reservation.extend(STEP_TOKENS, microUsdPerStep).transform(ar -> {
            asking = false;
            if (ar.succeeded() && ar.result()) {
                extendedMicroUsd += microUsdPerStep;
            }
            // counters unreachable: the limiter's failure mode already answered (fail_open true, fail_closed false);
            // a failure that still gets here is not a grant
            return Future.succeededFuture(ar.succeeded() && ar.result());
        });
    }
}
