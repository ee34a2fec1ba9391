package dev.switchboard.limits;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a request into the counters it touches at a given instant. Windows are fixed and keyed by their
 * start (minute, UTC day, UTC month), so every limiter instance that agrees on the time uses the same keys
 * and old windows simply expire.
 */
final class AdmissionPlan {
    private static final long MINUTE = 60_000;
    private static final long DAY = 86_400_000;
    /** Old windows are kept a little past their end so late reconciles still find them. */
    private static final long GRACE_SECONDS = 120;

    private final AdmissionRequest request;
    private final long now;
    private final List<CounterCheck> checks;

    AdmissionPlan(String prefix, AdmissionRequest request, long nowMillis) {
        this.request = request;
        this.now = nowMillis;
        this.checks = build(prefix, request, nowMillis);
    }

    List<CounterCheck> checks() {
        return checks;
    }

    AdmissionRequest request() {
        return request;
    }

    /** Builds the answer from a store's outcome; {@code reservation} is used only when admitted. */
    Admission toAdmission(CheckOutcome outcome, Reservation reservation) {
        WindowState requests = tightest(outcome.values(), false);
        WindowState tokens = tightest(outcome.values(), true);
        if (outcome.admitted()) {
            return Admission.admitted(reservation, requests, tokens);
        }
        CounterCheck refused = checks.get(outcome.refusedIndex());
        return Admission.refused(new Refusal(refused.scopeId(), refused.kind(), retryAfter(refused)), requests, tokens);
    }

    private long retryAfter(CounterCheck c) {
        if (c.resetAtMillis() < 0 || c.increment() > c.limit()) {
            return -1;
        }
        return Math.max(0, c.resetAtMillis() - now);
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

    private static List<CounterCheck> build(String prefix, AdmissionRequest r, long now) {
        List<CounterCheck> out = new ArrayList<>();
        long minute = Math.floorDiv(now, MINUTE);
        long minuteEnd = (minute + 1) * MINUTE;
        long day = Math.floorDiv(now, DAY);
        long dayEnd = (day + 1) * DAY;
        for (Scope s : r.scopes()) {
            String base = prefix + s.id() + ":";
            RateLimit rl = s.rateLimit();
            if (rl != null && rl.requestsPerMinute() != null) {
                out.add(new CounterCheck(base + "rpm:" + minute, 1, rl.requestsPerMinute(),
                        ttl(minuteEnd, now), minuteEnd, s.id(), LimitKind.REQUESTS_PER_MINUTE));
            }
            if (rl != null && rl.tokensPerMinute() != null) {
                out.add(new CounterCheck(base + "tpm:" + minute, r.estimatedTokens(), rl.tokensPerMinute(),
                        ttl(minuteEnd, now), minuteEnd, s.id(), LimitKind.TOKENS_PER_MINUTE));
            }
            if (rl != null && rl.tokensPerDay() != null) {
                out.add(new CounterCheck(base + "tpd:" + day, r.estimatedTokens(), rl.tokensPerDay(),
                        ttl(dayEnd, now), dayEnd, s.id(), LimitKind.TOKENS_PER_DAY));
            }
            if (s.budget() != null) {
                out.add(budget(base, s, r.worstCaseMicroUsd(), now));
            }
        }
        return List.copyOf(out);
    }

    private static CounterCheck budget(String base, Scope s, long cost, long now) {
        Budget b = s.budget();
        LocalDate today = Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC).toLocalDate();
        return switch (b.period()) {
            case DAY -> {
                long end = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                yield new CounterCheck(base + "usd:d:" + today, cost, b.microUsd(), ttl(end, now), end, s.id(), LimitKind.BUDGET);
            }
            case MONTH -> {
                LocalDate first = today.withDayOfMonth(1);
                long end = first.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                String month = first.toString().substring(0, 7);
                yield new CounterCheck(base + "usd:m:" + month, cost, b.microUsd(), ttl(end, now), end, s.id(), LimitKind.BUDGET);
            }
            case TOTAL -> new CounterCheck(base + "usd:total", cost, b.microUsd(), 0, -1, s.id(), LimitKind.BUDGET);
        };
    }

    private static long ttl(long windowEnd, long now) {
        return Math.max(1, (windowEnd - now + 999) / 1000) + GRACE_SECONDS;
    }
}
