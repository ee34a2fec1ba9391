package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counter keys built once per scope keep the layout Redis already holds, and move with the UTC day. */
class CounterNamesTest {
    private static final Budget DAILY = new Budget(5_000_000, Budget.Period.DAY);

    private static List<String> keys(CounterNames names, Scope scope, String instant) {
        AdmissionRequest r = AdmissionRequest.of(List.of(scope), 10, 100);
        return new AdmissionPlan(names, r, Instant.parse(instant).toEpochMilli()).checks().stream()
                .map(CounterCheck::key).toList();
    }

    @Test
    void keysKeepTheLayoutOfEarlierReleases() {
        CounterNames names = new CounterNames("sb:");
        Scope all = new Scope("key:k1", new RateLimit(10L, 1000L, 5000L), DAILY);
        long day = LocalDate.parse("2026-12-31").toEpochDay();
        assertThat(keys(names, all, "2026-12-31T23:59:59Z"))
                .containsExactly("sb:key:k1:rpm", "sb:key:k1:tpm", "sb:key:k1:tpd:" + day, "sb:key:k1:usd:d:2026-12-31");
        assertThat(keys(names, new Scope("team:t", null, new Budget(1, Budget.Period.MONTH)), "2026-12-31T23:59:59Z"))
                .containsExactly("sb:team:t:usd:m:2026-12");
        assertThat(keys(names, new Scope("team:t", null, new Budget(1, Budget.Period.TOTAL)), "2026-12-31T23:59:59Z"))
                .containsExactly("sb:team:t:usd:total");
    }

    @Test
    void datedKeysAndTheirEndsMoveAtMidnightUtc() {
        CounterNames names = new CounterNames("");
        Scope s = new Scope("key:k1", new RateLimit(null, null, 5000L), new Budget(1, Budget.Period.MONTH));
        AdmissionRequest r = AdmissionRequest.of(List.of(s), 10, 100);
        long before = Instant.parse("2026-12-31T23:59:59.999Z").toEpochMilli();
        long after = before + 1;
        List<CounterCheck> late = new AdmissionPlan(names, r, before).checks();
        List<CounterCheck> next = new AdmissionPlan(names, r, after).checks();
        assertThat(late.get(1).key()).isEqualTo("key:k1:usd:m:2026-12");
        assertThat(next.get(1).key()).isEqualTo("key:k1:usd:m:2027-01");
        assertThat(late.get(0).resetAtMillis()).isEqualTo(after);
        assertThat(late.get(1).resetAtMillis()).isEqualTo(after);
        assertThat(next.get(0).resetAtMillis()).isEqualTo(Instant.parse("2027-01-02T00:00:00Z").toEpochMilli());
        assertThat(next.get(1).resetAtMillis()).isEqualTo(Instant.parse("2027-02-01T00:00:00Z").toEpochMilli());
        assertThat(next.get(0).key()).isNotEqualTo(late.get(0).key());
    }

    @Test
    void aScopesKeysAreTheSameObjectsEachTimeAndTheCacheIsBounded() {
        CounterNames names = new CounterNames("p:");
        assertThat(names.of("key:a").requestsPerMinute).isSameAs(names.of("key:a").requestsPerMinute);
        for (int i = 0; i < CounterNames.MAX_SCOPES + 500; i++) {
            names.of("key:many-" + i);
        }
        assertThat(names.size()).isPositive().isLessThanOrEqualTo(CounterNames.MAX_SCOPES);
        // past the bound a scope's keys are still right, only built each time
        assertThat(names.of("key:late").tokensPerMinute).isEqualTo("p:key:late:tpm");
        assertThat(names.of("key:a").totalBudget).isEqualTo("p:key:a:usd:total");
    }
}
