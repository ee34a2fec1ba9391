package dev.switchboard.limits;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** What an admitted request holds on a {@link CountingLimiter}'s counters, settled once. */
final class HeldReservation implements Reservation {
    private final CountingLimiter limiter;
    private final AdmissionPlan plan;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final AtomicLong heldTokens;
    private final AtomicLong heldMicroUsd;

    HeldReservation(CountingLimiter limiter, AdmissionPlan plan) {
        this.limiter = limiter;
        this.plan = plan;
        this.heldTokens = new AtomicLong(plan.request().estimatedTokens());
        this.heldMicroUsd = new AtomicLong(plan.request().worstCaseMicroUsd());
    }

    /** What a reconcile left on the counters (tokens, micro-USD), for {@link #withdraw}; null until then. */
    private volatile long[] reconciled;

    @Override
    public void reconcile(long actualTokens, long actualMicroUsd) {
        if (settled.compareAndSet(false, true)) {
            reconciled = new long[] {Math.max(0, actualTokens), Math.max(0, actualMicroUsd)};
            apply(Math.max(0, actualTokens) - heldTokens.get(), Math.max(0, actualMicroUsd) - heldMicroUsd.get(), 0);
        }
    }

    /**
     * Takes a reconciled request off these counters entirely (its count, tokens and cost): another limiter counts it
     * now (a timed-out Redis admission that answered late). Once; nothing for a released or unsettled reservation.
     */
    void withdraw() {
        long[] r = reconciled;
        if (r != null) {
            reconciled = null;
            apply(-r[0], -r[1], -1);
        }
    }

    @Override
    public void release() {
        if (settled.compareAndSet(false, true)) {
            apply(-heldTokens.get(), -heldMicroUsd.get(), -1);
        }
    }

    @Override
    public Future<Boolean> extend(long moreTokens, long moreMicroUsd) {
        if (settled.get()) {
            return Future.succeededFuture(false);
        }
        List<CounterCheck> checks = new ArrayList<>();
        for (CounterCheck c : plan.checks()) {
            long more = c.kind().countsTokens() ? moreTokens : c.kind() == LimitKind.BUDGET ? moreMicroUsd : 0;
            if (more > 0) {
                checks.add(new CounterCheck(c.key(), more, c.limit(), c.ttlSeconds(), c.resetAtMillis(), c.scopeId(), c.kind()));
            }
        }
        if (checks.isEmpty()) {
            return Future.succeededFuture(true);
        }
        return limiter.checkAndAdd(checks).map(outcome -> {
            if (outcome.admitted()) {
                heldTokens.addAndGet(Math.max(0, moreTokens));
                heldMicroUsd.addAndGet(Math.max(0, moreMicroUsd));
            }
            return outcome.admitted();
        });
    }

    private void apply(long tokenDelta, long microUsdDelta, long requestDelta) {
        Map<String, Long> deltas = new LinkedHashMap<>();
        for (CounterCheck c : plan.checks()) {
            long delta = switch (c.kind()) {
                case TOKENS_PER_MINUTE, TOKENS_PER_DAY -> tokenDelta;
                case BUDGET -> microUsdDelta;
                case REQUESTS_PER_MINUTE -> requestDelta;
                case UNAVAILABLE -> 0;
            };
            if (delta != 0) {
                deltas.put(c.key(), delta);
            }
        }
        if (!deltas.isEmpty()) {
            limiter.adjust(deltas);
        }
    }
}
