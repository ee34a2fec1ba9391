package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admissions of one event-loop turn reach Redis as one script call, each still exact and atomic. */
class AdmissionBatchingTest {
    private static EmbeddedRedis redis;
    private static Vertx vertx;
    private static RedisAPI admin;
    private final String prefix = "b" + UUID.randomUUID() + ":";

    @BeforeAll
    static void startRedis() {
        redis = new EmbeddedRedis();
        vertx = Vertx.vertx();
        admin = RedisAPI.api(Redis.createClient(vertx, redis.uri()));
    }

    @AfterAll
    static void stopRedis() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
    }

    private RedisLimiter limiter() throws Exception {
        return limiter(Clock.systemUTC());
    }

    private RedisLimiter limiter(Clock clock) throws Exception {
        RedisLimiter l = new RedisLimiter(vertx, RedisLimiter.clientOptions(redis.uri()),
                new RedisLimiterSettings(prefix, null, 0), clock);
        await(l.warmUp());
        return l;
    }

    /** Fires {@code n} admissions within one task of an event loop, and waits for every answer. */
    private static List<Admission> inOneTurn(int n, Limiter limiter, AdmissionRequest req) throws Exception {
        Context loop = vertx.getOrCreateContext();
        CompletableFuture<List<Future<Admission>>> fired = new CompletableFuture<>();
        loop.runOnContext(v -> {
            List<Future<Admission>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(limiter.admit(req));
            }
            fired.complete(calls);
        });
        List<Admission> out = new ArrayList<>();
        for (Future<Admission> f : fired.get(10, TimeUnit.SECONDS)) {
            out.add(await(f));
        }
        return out;
    }

    @Test
    void aTurnsAdmissionsAreOneScriptCallAndExact() throws Exception {
        RedisLimiter limiter = limiter();
        Scope key = new Scope("key:turn", new RateLimit(150L, 1_000_000L, null), new Budget(1_000_000, Budget.Period.DAY));
        Scope team = new Scope("team:turn", new RateLimit(1000L, null, null), null);
        AdmissionRequest req = AdmissionRequest.of(List.of(key, team), 10, 100);
        resetStats();

        List<Admission> answers = inOneTurn(200, limiter, req);

        assertThat(scriptCalls()).as("200 admissions of one turn, one script call").isEqualTo(1);
        assertThat(answers.stream().filter(Admission::admitted)).hasSize(150);
        // each admission ran atomically and in order: the admitted saw 149, 148, ... 0 left
        assertThat(answers.subList(0, 150)).allMatch(Admission::admitted);
        assertThat(answers.subList(0, 150).stream().map(a -> a.requests().orElseThrow().remaining()))
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(0, 149).map(i -> 149 - i).boxed().toList());
        assertThat(answers.subList(150, 200))
                .allMatch(a -> a.refusal().orElseThrow().kind() == LimitKind.REQUESTS_PER_MINUTE);
        limiter.close();
    }

    @Test
    void theFallbacksMemoryHoldsEachCountersLastValueOfTheCall() throws Exception {
        RedisLimiter limiter = limiter(Clock.fixed(java.time.Instant.parse("2026-12-06T12:00:00Z"), java.time.ZoneOffset.UTC));
        Scope key = new Scope("key:memory", new RateLimit(30L, null, null), new Budget(1_000_000, Budget.Period.DAY));
        AdmissionRequest req = AdmissionRequest.of(List.of(key), 0, 7);

        List<Admission> answers = inOneTurn(40, limiter, req);

        assertThat(answers.stream().filter(Admission::admitted)).hasSize(30);
        // the refused ten saw the window full and the budget as the thirtieth left it
        assertThat(limiter.memory().lastSeen("key:memory:rpm")).isEqualTo(30);
        assertThat(limiter.memory().lastSeen("key:memory:usd:d:2026-12-06"))
                .isEqualTo(30 * 7);
        assertThat(limiter.memory().size()).isEqualTo(2);
        limiter.close();
    }

    @Test
    void aCounterAskedWithTwoLimitsInOneCallIsRememberedAtItsNewestValue() throws Exception {
        RedisLimiter limiter = limiter();
        // a reload mid-turn: the same counter asked for with its old, new and old limit again
        List<AdmissionRequest> turn = List.of(1000L, 2000L, 1000L, 2000L, 1000L).stream()
                .map(limit -> AdmissionRequest.of(List.of(Scope.of("key:reload", RateLimit.requestsPerMinute(limit))), 1, 0))
                .toList();
        Context loop = vertx.getOrCreateContext();
        CompletableFuture<List<Future<Admission>>> fired = new CompletableFuture<>();
        loop.runOnContext(v -> fired.complete(turn.stream().map(limiter::admit).toList()));
        for (Future<Admission> f : fired.get(10, TimeUnit.SECONDS)) {
            assertThat(await(f).admitted()).isTrue();
        }
        assertThat(limiter.memory().lastSeen("key:reload:rpm")).isEqualTo(5);
        limiter.close();
    }

    @Test
    void aShortOrGarbledAnswerFailsItsAdmissionsInsteadOfMisreadingThem() {
        io.vertx.core.buffer.Buffer ok = io.vertx.core.buffer.Buffer.buffer();
        ok.appendLongLE(0).appendLongLE(5).appendLongLE(1); // admitted, one check: value 5, granted 1
        assertThat(AdmissionBatch.outcome(ok, 0, 1).values()).containsExactly(5);
        io.vertx.core.buffer.Buffer refused = io.vertx.core.buffer.Buffer.buffer();
        refused.appendLongLE(1).appendLongLE(-1).appendLongLE(9); // refused by check 1, no room known, value 9
        CheckOutcome r = AdmissionBatch.outcome(refused, 0, 1);
        assertThat(r.refusedIndex()).isZero();
        assertThat(r.freesAtMillis()).isEqualTo(-1);
        assertThat(r.values()).containsExactly(9);
        for (io.vertx.core.buffer.Buffer bad : List.of(io.vertx.core.buffer.Buffer.buffer(),
                ok.getBuffer(0, 16), // cut short
                io.vertx.core.buffer.Buffer.buffer().appendLongLE(3).appendLongLE(0).appendLongLE(0), // refused by check 3 of 1
                io.vertx.core.buffer.Buffer.buffer().appendLongLE(-2).appendLongLE(0).appendLongLE(0),
                io.vertx.core.buffer.Buffer.buffer("not numbers"))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdmissionBatch.outcome(bad, 0, 1))
                    .isInstanceOf(IllegalStateException.class);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdmissionBatch.outcome(null, 0, 1))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBatchIsCappedAndTheRestFollows() throws Exception {
        RedisLimiter limiter = limiter();
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:cap", RateLimit.requestsPerMinute(1_000))), 1, 0);
        resetStats();

        List<Admission> answers = inOneTurn(600, limiter, req);

        assertThat(answers).allMatch(Admission::admitted);
        assertThat(scriptCalls()).as("600 admissions, at most %d a call", AdmissionBatcher.MAX_BATCH).isEqualTo(3);
        assertThat(answers.stream().map(a -> a.requests().orElseThrow().remaining()).distinct())
                .as("each counted once, in order").hasSize(600).contains(400L, 999L);
        limiter.close();
    }

    @Test
    void callersOffTheEventLoopAreCoalescedToo() throws Exception {
        RedisLimiter limiter = limiter();
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:threads", RateLimit.requestsPerMinute(250))), 1, 0);
        resetStats();
        List<CompletableFuture<Future<Admission>>> calls = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 400; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> limiter.admit(req), pool));
            }
        }
        List<Admission> answers = new ArrayList<>();
        for (var c : calls) {
            answers.add(await(c.get(10, TimeUnit.SECONDS)));
        }
        assertThat(answers.stream().filter(Admission::admitted)).hasSize(250);
        assertThat(scriptCalls()).as("400 admissions from 8 threads").isLessThan(100);
        limiter.close();
    }

    @Test
    void aTurnWhoseAdmissionsStraddleABucketBoundaryStillCountsEveryBucket() throws Exception {
        // the plan's time decides the bucket: one call may hold admissions of two buckets, in any order
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-03-10T12:00:04.999Z"));
        RedisLimiter limiter = new RedisLimiter(vertx, RedisLimiter.clientOptions(redis.uri()),
                new RedisLimiterSettings(prefix, null, 0), clock);
        await(limiter.warmUp());
        AdmissionRequest req = AdmissionRequest.of(List.of(Scope.of("key:edge", RateLimit.requestsPerMinute(3))), 1, 0);
        resetStats();
        Context loop = vertx.getOrCreateContext();
        CompletableFuture<List<Future<Admission>>> fired = new CompletableFuture<>();
        loop.runOnContext(v -> {
            List<Future<Admission>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) { // 12:00:04.999, 12:00:05.000, 12:00:04.999, ...
                calls.add(limiter.admit(req));
                clock.advance(java.time.Duration.ofMillis(i % 2 == 0 ? 1 : -1));
            }
            fired.complete(calls);
        });
        List<Admission> answers = new ArrayList<>();
        for (Future<Admission> f : fired.get(10, TimeUnit.SECONDS)) {
            answers.add(await(f));
        }
        assertThat(scriptCalls()).isEqualTo(1);
        assertThat(answers.stream().filter(Admission::admitted)).as("the limit across both buckets").hasSize(3);
        limiter.close();
    }

    static void resetStats() throws Exception {
        await(admin.config(List.of("RESETSTAT")));
    }

    /** EVALSHA and EVAL calls since the last reset, from Redis's own command stats. */
    static long scriptCalls() throws Exception {
        String stats = await(admin.info(List.of("commandstats"))).toString();
        return calls(stats, "evalsha") + calls(stats, "eval");
    }

    static long calls(String stats, String command) {
        for (String line : stats.split("\\r?\\n")) {
            if (line.startsWith("cmdstat_" + command + ":")) {
                String rest = line.substring(line.indexOf("calls=") + 6);
                return Long.parseLong(rest.substring(0, rest.indexOf(',')));
            }
        }
        return 0;
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
