package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Shares of a limit and where local counting starts, on a hand-moved clock (no Redis: the memory is filled directly). */
class LimitShareTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:01Z"));
    private final CounterMemory memory = new CounterMemory("p:");

    private static AdmissionRequest rpm(String key, long limit) {
        return AdmissionRequest.of(List.of(Scope.of(key, RateLimit.requestsPerMinute(limit))), 1, 0);
    }

    /** Redis answered {@code value} for the request's checks now. */
    private void redisSaw(AdmissionRequest r, long value) {
        List<CounterCheck> checks = new AdmissionPlan(new CounterNames("p:"), r, clock.millis()).checks();
        long[] values = new long[checks.size()];
        java.util.Arrays.fill(values, value);
        memory.remember(checks, values, clock);
    }

    private static CounterCheck check(String key, long limit, long bucket) {
        return new CounterCheck(key, 1, limit, 60, -1, "s", bucket >= 0 ? LimitKind.REQUESTS_PER_MINUTE : LimitKind.BUDGET, bucket);
    }

    @Test
    void sharesShrinkWithTheFleetButNeverToZeroNorDivideByZero() {
        assertThat(new LimitShare(memory, 3).limit(check("k", 100, 1), 0)).isEqualTo(33);
        assertThat(new LimitShare(memory, 1003).limit(check("k", 100, 1), 0)).isEqualTo(1);
        assertThat(new LimitShare(memory, 0).limit(check("k", 100, 1), 0)).as("N 0 counts as 1").isEqualTo(100);
        assertThat(new LimitShare(memory, -5).limit(check("k", 100, 1), 0)).isEqualTo(100);
        assertThat(new LimitShare(memory, Integer.MAX_VALUE).limit(check("k", 1, 1), 0)).isEqualTo(1);
        assertThat(new LimitShare(memory, 3).limit(check("k", 0, 1), 0)).as("a limit of 0 stays 0").isZero();
        // fixed windows: a share of what is left; a spent one stays spent
        assertThat(new LimitShare(memory, 3).limit(check("b", 1_000, -1), 400)).isEqualTo(600);
        assertThat(new LimitShare(memory, 3).limit(check("b", 1_000, -1), 1_200)).isEqualTo(1_000);
        assertThat(new LimitShare(memory, 1003).limit(check("b", 1_000, -1), 999)).isEqualTo(999);
    }

    @Test
    void aWindowStartsWithThisInstancesPartOfWhatRedisSawAndThatPartAgesOutButIsNeverHandedBack() throws Exception {
        AdmissionRequest req = rpm("key:a", 30);
        redisSaw(req, 12);
        LocalLimiter local = new LocalLimiter(clock, new LimitShare(memory, 3));
        // share 10, seeded with 4 (12 / 3): six more
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            Admission a = local.admit(req).toCompletionStage().toCompletableFuture().get();
            if (a.admitted()) {
                admitted++;
                // the headers show this instance's room, not the whole limit's
                assertThat(a.requests().orElseThrow().remaining()).isEqualTo(10 - 4 - admitted);
                assertThat(a.requests().orElseThrow().limit()).isEqualTo(30);
            }
        }
        assertThat(admitted).isEqualTo(6);
        assertThat(local.growth()).as("only what was counted here").isEqualTo(Map.of(new Slot("key:a:rpm",
                SlidingWindow.bucketOf(clock.millis())), 6L));

        // the seed's bucket drops out of the window a minute on: the share is free again, the admissions of the same
        // bucket drop with it
        clock.advance(Duration.ofSeconds(65));
        assertThat(local.admit(req).toCompletionStage().toCompletableFuture().get().admitted()).isTrue();
    }

    @Test
    void aSeedFromAnotherMinuteIsIgnored() throws Exception {
        AdmissionRequest req = rpm("key:old", 30);
        redisSaw(req, 30);
        clock.advance(Duration.ofSeconds(70));
        LocalLimiter local = new LocalLimiter(clock, new LimitShare(memory, 3));
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            admitted += local.admit(req).toCompletionStage().toCompletableFuture().get().admitted() ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(10);
    }

    @Test
    void theMemoryStaysBoundedWithPerMinuteWindowsToo() {
        for (int i = 0; i < CounterMemory.MAX_KEYS + 500; i++) {
            redisSaw(rpm("key:" + i, 10), 1);
        }
        assertThat(memory.size()).isEqualTo(CounterMemory.MAX_KEYS);
        // once those windows ended, new keys are remembered again (the old ones swept)
        clock.advance(Duration.ofMinutes(2));
        redisSaw(rpm("key:new", 10), 1);
        assertThat(memory.seen("key:new:rpm")).isNotNull();
        assertThat(memory.size()).isLessThan(CounterMemory.MAX_KEYS);
    }
}
