package dev.switchboard.limits;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an admitted request holds on a {@link CountingLimiter}'s counters, settled once. Each counter's holding is
 * kept per slot (the admission's bucket, then each stream extension's), so a refund comes off the slots that were
 * charged, newest first, and an extra charge lands in the bucket of the moment it is known.
 */
final class HeldReservation implements Reservation {
    private final CountingLimiter limiter;
    private final AdmissionPlan plan;
    /** Per check of the plan: slot → amount held there, oldest first. Guarded by this. */
    private final List<Map<Slot, Long>> held;
    private boolean settled;
    /** A reconcile happened (so {@link #withdraw} has something to take off). */
    private boolean reconciled;
    private final long grantedTokens;
    private final long grantedMicroUsd;

    HeldReservation(CountingLimiter limiter, AdmissionPlan plan, long[] granted) {
        this.limiter = limiter;
        this.plan = plan;
        this.held = new ArrayList<>(plan.checks().size());
        long tokens = Long.MAX_VALUE;
        long microUsd = Long.MAX_VALUE;
        for (int i = 0; i < plan.checks().size(); i++) {
            LimitKind kind = plan.checks().get(i).kind();
            if (kind.countsTokens()) {
                tokens = Math.min(tokens, granted[i]);
            } else if (kind == LimitKind.BUDGET) {
                microUsd = Math.min(microUsd, granted[i]);
            }
        }
        this.grantedTokens = tokens;
        this.grantedMicroUsd = microUsd;
        for (int i = 0; i < plan.checks().size(); i++) {
            Map<Slot, Long> slots = new LinkedHashMap<>(2);
            slots.put(plan.checks().get(i).slot(), granted[i]);
            held.add(slots);
        }
    }

    @Override
    public long grantedTokens() {
        return grantedTokens;
    }

    @Override
    public long grantedMicroUsd() {
        return grantedMicroUsd;
    }

    @Override
    public void reconcile(long actualTokens, long actualMicroUsd) {
        Map<Slot, Long> deltas;
        synchronized (this) {
            if (settled) {
                return;
            }
            settled = true;
            reconciled = true;
            deltas = settleTo(Math.max(0, actualTokens), Math.max(0, actualMicroUsd));
        }
        apply(deltas);
    }

    /**
     * Takes a reconciled request off these counters entirely (its count, tokens and cost): another limiter counts it
     * now (a timed-out Redis admission that answered late). Once; nothing for a released or unsettled reservation.
     */
    void withdraw() {
        Map<Slot, Long> deltas = new LinkedHashMap<>();
        synchronized (this) {
            if (!reconciled) {
                return;
            }
            reconciled = false;
            for (Map<Slot, Long> slots : held) {
                slots.forEach((slot, amount) -> deltas.merge(slot, -amount, Long::sum));
                slots.replaceAll((slot, amount) -> 0L);
            }
        }
        apply(deltas);
    }

    @Override
    public void release() {
        Map<Slot, Long> deltas = new LinkedHashMap<>();
        synchronized (this) {
            if (settled) {
                return;
            }
            settled = true;
            for (Map<Slot, Long> slots : held) {
                slots.forEach((slot, amount) -> deltas.merge(slot, -amount, Long::sum));
            }
        }
        apply(deltas);
    }

    @Override
    public Future<Boolean> extend(long moreTokens, long moreMicroUsd) {
        List<CounterCheck> checks = new ArrayList<>();
        List<Integer> which = new ArrayList<>();
        long now = limiter.clock().millis();
        synchronized (this) {
            if (settled) {
                return Future.succeededFuture(false);
            }
        }
        for (int i = 0; i < plan.checks().size(); i++) {
            CounterCheck c = plan.checks().get(i);
            long more = c.kind().countsTokens() ? moreTokens : c.kind() == LimitKind.BUDGET ? moreMicroUsd : 0;
            if (more > 0) {
                checks.add(c.extension(more, now));
                which.add(i);
            }
        }
        if (checks.isEmpty()) {
            return Future.succeededFuture(true);
        }
        return limiter.checkAndAdd(checks).transform(ar -> {
            if (ar.succeeded()) {
                return Future.succeededFuture(hold(checks, which, ar.result()));
            }
            if (ar.cause() instanceof LateAnswer late) { // the caller gives up, but a late grant is still held
                late.<CheckOutcome>answer().onSuccess(outcome -> hold(checks, which, outcome));
            }
            return Future.failedFuture(ar.cause());
        });
    }

    /** Holds what an extension was granted; one granted after settling (a late answer) is given back at once. */
    private boolean hold(List<CounterCheck> checks, List<Integer> which, CheckOutcome outcome) {
        if (!outcome.admitted()) {
            return false;
        }
        Map<Slot, Long> giveBack = new LinkedHashMap<>();
        synchronized (this) {
            for (int j = 0; j < checks.size(); j++) {
                if (settled) {
                    giveBack.merge(checks.get(j).slot(), -outcome.granted()[j], Long::sum);
                } else {
                    held.get(which.get(j)).merge(checks.get(j).slot(), outcome.granted()[j], Long::sum);
                }
            }
        }
        apply(giveBack);
        return true;
    }

    /** Moves each counter's holding to the actual amount: refunds newest slot first, extra charges into the current one. */
    private Map<Slot, Long> settleTo(long actualTokens, long actualMicroUsd) {
        Map<Slot, Long> deltas = new LinkedHashMap<>();
        long now = limiter.clock().millis();
        for (int i = 0; i < plan.checks().size(); i++) {
            CounterCheck c = plan.checks().get(i);
            long actual = switch (c.kind()) {
                case TOKENS_PER_MINUTE, TOKENS_PER_DAY -> actualTokens;
                case BUDGET -> actualMicroUsd;
                default -> -1; // the request count stands
            };
            if (actual < 0) {
                continue;
            }
            Map<Slot, Long> slots = held.get(i);
            long total = slots.values().stream().mapToLong(Long::longValue).sum();
            long delta = actual - total;
            if (delta > 0) {
                Slot current = c.extension(0, now).slot();
                slots.merge(current, delta, Long::sum);
                deltas.merge(current, delta, Long::sum);
            } else if (delta < 0) {
                List<Slot> newestFirst = new ArrayList<>(slots.keySet());
                java.util.Collections.reverse(newestFirst);
                long refund = -delta;
                for (Slot s : newestFirst) {
                    long take = Math.min(refund, slots.get(s));
                    if (take > 0) {
                        slots.put(s, slots.get(s) - take);
                        deltas.merge(s, -take, Long::sum);
                        refund -= take;
                    }
                }
            }
        }
        return deltas;
    }

    private void apply(Map<Slot, Long> deltas) {
        deltas.values().removeIf(v -> v == 0);
        if (!deltas.isEmpty()) {
            limiter.settle(deltas, freedScopes(deltas));
        }
    }

    /** The scopes whose counters these deltas lower: requests queued there may fit now. */
    private Set<String> freedScopes(Map<Slot, Long> deltas) {
        Set<String> freed = new LinkedHashSet<>();
        deltas.forEach((slot, delta) -> {
            if (delta < 0) {
                for (CounterCheck c : plan.checks()) {
                    if (c.key().equals(slot.key())) {
                        freed.add(c.scopeId());
                    }
                }
            }
        });
        return freed;
    }
}
