package dev.switchboard.server.admission;

import dev.switchboard.limits.Reservation;
import io.vertx.core.Future;

/**
 * Keeps a stream within its reservation. Admission reserved the expected output (or max_tokens when smaller); a
 * stream that goes beyond it asks for one more step of tokens and money at a time, and is stopped when a limit or
 * budget has no room left. Output is measured as relayed bytes / {@value #BYTES_PER_TOKEN} (framing makes it
 * over-count real tokens); reconciliation at the end replaces these steps with the real usage, so over-counting
 * here is never billed.
 */
public final class StreamAllowance {
    public static final long STEP_TOKENS = 1024;
    static final long BYTES_PER_TOKEN = 4;
    /**
     * The least output measured before the first check of an estimate-sized reservation: the first events (a role
     * chunk, a few tokens) are framing-heavy, and a check there could cut a stream that has produced almost nothing.
     */
    static final long FIRST_CHECK_TOKENS = STEP_TOKENS / 4;

    private final Reservation reservation;
    private final long microUsdPerStep;
    private long nextCheckBytes;
    private boolean asking;
    /** Money reserved by granted steps beyond the admission's reservation. */
    private long extendedMicroUsd;

    /**
     * @param reservedOutputTokens the output admission reserved (all choices)
     * @param providerCapped whether that is the request's max_tokens, which the provider enforces itself: checks then
     *        only guard a provider ignoring it, and the first comes well after the cap could be reached
     */
    public StreamAllowance(Reservation reservation, long reservedOutputTokens, boolean providerCapped, long microUsdPerStep) {
        this.reservation = reservation;
        this.microUsdPerStep = microUsdPerStep;
        long first = Math.max(reservedOutputTokens, providerCapped ? STEP_TOKENS : FIRST_CHECK_TOKENS);
        this.nextCheckBytes = PlanPrices.times(first, BYTES_PER_TOKEN);
    }

    /** What the granted steps added to the reservation, in micro-USD. */
    public long extendedMicroUsd() {
        return extendedMicroUsd;
    }

    /** Null when nothing is due; else a future telling whether the stream may go on. One question at a time. */
    public Future<Boolean> check(long relayedBytes) {
        if (relayedBytes < nextCheckBytes || asking) {
            return null;
        }
        asking = true;
        nextCheckBytes += STEP_TOKENS * BYTES_PER_TOKEN;
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
