package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueueingLimiterTest {
    private Vertx vertx;
    private QueueingLimiter limiter;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        // real time, shifted so that the current minute ends 600 ms from now
        long now = System.currentTimeMillis();
        long shift = 60_000 - 600 - Math.floorMod(now, 60_000);
        limiter = new QueueingLimiter(vertx, new LocalLimiter(Clock.offset(Clock.systemUTC(), Duration.ofMillis(shift))));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Admission await(Future<Admission> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void waitsForTheNextWindowInsteadOfRefusing() throws Exception {
        Scope scope = Scope.of("key:q", RateLimit.requestsPerMinute(1));
        AdmissionRequest req = AdmissionRequest.of(List.of(scope), 1, 0);
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        assertThat(await(limiter.admit(req)).admitted()).as("no wait allowed").isFalse();

        Admission waited = await(limiter.admit(req.withMaxWait(Duration.ofSeconds(5))));
        assertThat(waited.admitted()).isTrue();

        // the next window is a minute away: more than the allowed wait, so the refusal comes at once
        long start = System.nanoTime();
        Admission refused = await(limiter.admit(req.withMaxWait(Duration.ofSeconds(3))));
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusal().orElseThrow().retryAfterSeconds()).isGreaterThan(3);
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    void budgetRefusalsDoNotWait() throws Exception {
        Scope scope = Scope.of("key:qb", new Budget(100, Budget.Period.DAY));
        AdmissionRequest req = AdmissionRequest.of(List.of(scope), 1, 100);
        assertThat(await(limiter.admit(req)).admitted()).isTrue();
        long start = System.nanoTime();
        Admission refused = await(limiter.admit(req.withMaxWait(Duration.ofDays(2))));
        assertThat(refused.refusal().orElseThrow().kind()).isEqualTo(LimitKind.BUDGET);
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
    }
}
