package dev.switchboard.limits;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a request into the counters it touches at a given instant. Requests and tokens per minute count over a
 * {@link SlidingWindow}; tokens per day and budgets over fixed windows keyed by their start (UTC day, UTC month),
 * so every limiter instance that agrees on the time uses the same keys and old windows simply expire. Tokens and
 * budgets reserve what the request wants (input and expected output) when there is room, else what is left as
 * long as the request's required part (its input) fits.
 */
final class AdmissionPlan {
    private static final long DAY = 86_400_000;
    /** Old windows are kept a little past their end so late reconciles still find them. */
    private static final long GRACE_SECONDS = 120;

    private final AdmissionRequest request;
    private final long now;
    private final List<CounterCheck> checks;

    AdmissionPlan(CounterNames names, AdmissionRequest request, long nowMillis) {
        this.request = request;
        this.now = nowMillis;
        this.checks = build(names, request, nowMillis);
    }

    List<CounterCheck> checks() {
        return checks;
    }

    AdmissionRequest request() {
        return request;
    }

    /** The refusal of a request whose required part alone exceeds a limit (no counter asked), or null. */
    Admission neverFits() {
        for (CounterCheck c : checks) {
            if (c.neverFits() && c.kind() != LimitKind.REQUESTS_PER_MINUTE && c.limit() > 0) {
                return Admission.refused(Refusal.tooLarge(c.scopeId(), c.kind()), null, null);
            }
        }
        return null;
    }

    /** Builds the answer from a store's outcome; {@code reservation} is used only when admitted. */
    Admission toAdmission(CheckOutcome outcome, Reservation reservation) {
        WindowState requests = tightest(outcome.values(), false);
        WindowState tokens = tightest(outcome.values(), true);
        if (outcome.admitted()) {
            return Admission.admitted(reservation, requests, tokens);
        }
        CounterCheck refused = checks.get(outcome.refusedIndex());
        return Admission.refused(new Refusal(refused.scopeId(), refused.kind(), retryAfter(refused, outcome.freesAtMillis())),
                requests, tokens);
    }

    private long retryAfter(CounterCheck c, long freesAt) {
        if (c.neverFits()) {
            return -1;
        }
        if (c.sliding()) {
            return freesAt < 0 ? -1 : Math.max(0, freesAt - now);
        }
        return c.resetAtMillis() < 0 ? -1 : Math.max(0, c.resetAtMillis() - now);
    }

    private WindowState tightest(long[] values, boolean tokens) {
        WindowState best = null;
        for (int i = 0; i < checks.size(); i++) {
            CounterCheck c = checks.get(i);
            if (!reported(c.scopeId())) {
                continue; // a counter shared with other callers: its state is theirs too
            }
            boolean wanted = tokens ? c.kind().countsTokens() : c.kind() == LimitKind.REQUESTS_PER_MINUTE;
            if (!wanted) {
                continue;
            }
            long remaining = Math.max(0, c.limit() - values[i]);
            if (best == null || remaining < best.remaining()) {
                best = new WindowState(c.limit(), remaining, Math.max(0, c.resetAtMillis() - now));
            }
        }
        return best;
    }

    private boolean reported(String scopeId) {
        for (Scope s : request.scopes()) {
            if (s.id().equals(scopeId)) {
                return s.reported();
            }
        }
        return false;
    }

    private static List<CounterCheck> build(CounterNames names, AdmissionRequest r, long now) {
        List<CounterCheck> out = new ArrayList<>();
        long bucket = SlidingWindow.bucketOf(now);
        long windowEnd = SlidingWindow.dropsAt(bucket);
        long day = Math.floorDiv(now, DAY);
        for (Scope s : r.scopes()) {
            CounterNames.Names keys = names.of(s.id());
            RateLimit rl = s.rateLimit();
            if (rl != null && rl.requestsPerMinute() != null) {
                out.add(new CounterCheck(keys.requestsPerMinute, 1, rl.requestsPerMinute(), SlidingWindow.TTL_SECONDS,
                        windowEnd, s.id(), LimitKind.REQUESTS_PER_MINUTE, bucket));
            }
            if (rl != null && rl.tokensPerMinute() != null) {
                out.add(new CounterCheck(keys.tokensPerMinute, r.estimatedTokens(), r.requiredTokens(),
                        rl.tokensPerMinute(), SlidingWindow.TTL_SECONDS, windowEnd, s.id(), LimitKind.TOKENS_PER_MINUTE,
                        bucket));
            }
            if (rl != null && rl.tokensPerDay() != null) {
                CounterNames.Dated dated = keys.on(day);
                out.add(new CounterCheck(dated.tokensPerDay(), r.estimatedTokens(), r.requiredTokens(), rl.tokensPerDay(),
                        ttl(dated.dayEnd(), now), dated.dayEnd(), s.id(), LimitKind.TOKENS_PER_DAY, -1));
            }
            if (s.budget() != null) {
                out.add(budget(keys, day, s, r.worstCaseMicroUsd(), r.requiredMicroUsd(), now));
            }
        }
        return List.copyOf(out);
    }

    private static CounterCheck budget(CounterNames.Names keys, long day, Scope s, long cost, long required, long now) {
        Budget b = s.budget();
        return switch (b.period()) {
            case DAY -> {
                CounterNames.Dated dated = keys.on(day);
                yield new CounterCheck(dated.dailyBudget(), cost, required, b.microUsd(), ttl(dated.dayEnd(), now),
                        dated.dayEnd(), s.id(), LimitKind.BUDGET, -1);
            }
            case MONTH -> {
                CounterNames.Dated dated = keys.on(day);
                yield new CounterCheck(dated.monthlyBudget(), cost, required, b.microUsd(), ttl(dated.monthEnd(), now),
                        dated.monthEnd(), s.id(), LimitKind.BUDGET, -1);
            }
            case TOTAL -> new CounterCheck(keys.totalBudget, cost, required, b.microUsd(), 0, -1, s.id(), LimitKind.BUDGET,
                    -1);
        };
    }

    private static long ttl(long windowEnd, long now) {
        return Math.max(1, (windowEnd - now + 999) / 1000) + GRACE_SECONDS;
    }
}
