package dev.switchboard.limits;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counter keys of each scope, built once instead of per request: the same String objects every time, so every map
 * they key (the batch's key index, the fallback's memory, reconciles) hashes each once, not per request. Dated keys
 * (tokens per day, daily and monthly budgets) are rebuilt when the UTC day changes. Bounded: past
 * {@link #MAX_SCOPES} scopes the cache starts afresh (racing threads may pass the bound by a few entries).
 */
final class CounterNames {
    static final int MAX_SCOPES = 10_000;
    private static final long DAY_MILLIS = 86_400_000;

    private final String prefix;
    private final Map<String, Names> byScope = new ConcurrentHashMap<>();

    CounterNames(String prefix) {
        this.prefix = prefix;
    }

    /** The keys of scope {@code scopeId}. */
    Names of(String scopeId) {
        Names n = byScope.get(scopeId);
        if (n != null) {
            return n;
        }
        if (byScope.size() >= MAX_SCOPES) {
            byScope.clear(); // bounded; scopes still in use come back on their next request
        }
        n = new Names(prefix + scopeId + ":");
        Names raced = byScope.putIfAbsent(scopeId, n);
        return raced != null ? raced : n;
    }

    /** Scopes cached (tests). */
    int size() {
        return byScope.size();
    }

    /** One scope's keys. */
    static final class Names {
        final String requestsPerMinute;
        final String tokensPerMinute;
        final String totalBudget;
        private final String base;
        private volatile Dated dated;

        private Names(String base) {
            this.base = base;
            this.requestsPerMinute = base + "rpm";
            this.tokensPerMinute = base + "tpm";
            this.totalBudget = base + "usd:total";
        }

        /** The keys of the UTC day {@code epochDay} (days since 1970-01-01). */
        Dated on(long epochDay) {
            Dated d = dated;
            if (d == null || d.epochDay() != epochDay) {
                d = Dated.of(base, epochDay);
                dated = d;
            }
            return d;
        }
    }

    /** A day's keys and when their windows end (epoch millis). */
    record Dated(long epochDay, String tokensPerDay, String dailyBudget, String monthlyBudget, long dayEnd,
                 long monthEnd) {
        static Dated of(String base, long epochDay) {
            LocalDate today = LocalDate.ofEpochDay(epochDay);
            LocalDate first = today.withDayOfMonth(1);
            long monthEnd = first.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            return new Dated(epochDay, base + "tpd:" + epochDay, base + "usd:d:" + today,
                    base + "usd:m:" + first.toString().substring(0, 7), (epochDay + 1) * DAY_MILLIS, monthEnd);
        }
    }
}
