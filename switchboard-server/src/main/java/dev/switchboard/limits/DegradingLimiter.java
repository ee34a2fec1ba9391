package dev.switchboard.limits;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis first; when a Redis admission fails or times out, counts locally (fail-open) or refuses with
 * {@link LimitKind#UNAVAILABLE} (fail-closed), and pings Redis until it answers again.
 * <p>Fail-open semantics ({@link SharedFallback}): while Redis is away each instance counts locally against its
 * {@link LimitShare} of every limit, N being the live instances its {@link InstanceRegistry} last saw. A per-minute
 * limit L allows {@code max(1, floor(L / N))} per instance, its window starting with this instance's part of what
 * Redis last reported for it, so the fleet admits about L per window (at most N when L &lt; N). Budgets and tokens per
 * day continue from the last value S Redis reported to this instance ({@link CounterMemory}) and may spend only
 * {@code (L - S) / N} more, so the fleet's spend stays within the budget plus what is in flight; a budget this
 * instance never saw is refused (503) until Redis is back, so a spent budget never becomes fresh. An instance that
 * never reached Redis assumes N = 1. When Redis answers again, what was counted locally (not the seeds) is added to
 * the shared counters.
 * <p>The call timeout runs from when a batch of admissions is sent on a connection ({@link AdmissionBatcher}), so it
 * measures Redis's answer, not a burst queueing in this instance; a backstop of several call timeouts
 * ({@link DegradingSettings#backstop()}) ends any admission still waiting. A refused or broken connection degrades at
 * once; timeouts only when they persist ({@link #SLOW_CALLS_BEFORE_DEGRADING} timed-out batches in a row over at
 * least {@link #SLOW_STREAK_MILLIS}), so a GC pause does not flip a healthy instance: until then a timed-out request
 * waits for Redis's late answer (up to {@link #SLOW_STREAK_MILLIS} more), and only an outage, or no answer by then,
 * serves it by the failure mode. While degraded, Redis is pinged at a jittered interval, so a fleet does not return
 * in step. A timed-out admission may still be counted by Redis:
 * when its late answer arrives it is settled like the request ({@link LateAnswerReservation}), or released when the
 * request was refused. Reservations admitted by Redis obey the mode when a
 * stream asks to extend them and Redis cannot be reached ({@link ModeReservation}).
 */
public final class DegradingLimiter implements Limiter {
    private static final Logger LOG = LoggerFactory.getLogger(DegradingLimiter.class);
    private static final long CLOSED_RETRY_MILLIS = 1000;
    static final int SLOW_CALLS_BEFORE_DEGRADING = 3;
    static final long SLOW_STREAK_MILLIS = 1000;
    private static final long HAND_BACK_WAIT_MILLIS = 100;
    private static final int HAND_BACK_WAITS = 50;

    private final Vertx vertx;
    private final RedisLimiter redis;
    private final LocalLimiter local;
    private final DegradingSettings settings;
    private volatile long probeTimer;
    private volatile boolean closed;
    private final AtomicBoolean probing = new AtomicBoolean();
    private final AtomicInteger slowCalls = new AtomicInteger();
    /** The batch of the last timeout counted: its other admissions do not count again. */
    private final AtomicReference<Object> lastSlowBatch = new AtomicReference<>();
    /** Timed-out admissions served locally whose Redis answer has not arrived yet. */
    private final AtomicInteger lateAnswers = new AtomicInteger();
    private volatile long slowSince;
    private volatile LimiterMode mode = LimiterMode.REDIS;
    /** Counts while Redis is away against this instance's share, seeded from what Redis last reported. */
    private final SharedFallback fallback;
    /** Ends an admission nothing else timed (queued behind batches): {@link DegradingSettings#backstop()}. */
    private final LoopTimeout backstop;

    /** As {@link #DegradingLimiter(Vertx, RedisLimiter, LocalLimiter, DegradingSettings, IntSupplier)} for one instance. */
    public DegradingLimiter(Vertx vertx, RedisLimiter redis, LocalLimiter local, DegradingSettings settings) {
        this(vertx, redis, local, settings, () -> 1);
    }

    /**
     * @param local only its clock is used: local counting starts from Redis's last values, not from this limiter's
     * @param instances how many instances share the limits ({@link InstanceRegistry#live()}), read when an outage begins
     */
    public DegradingLimiter(Vertx vertx, RedisLimiter redis, LocalLimiter local, DegradingSettings settings,
                            IntSupplier instances) {
        this.vertx = vertx;
        this.redis = redis;
        this.local = local;
        this.settings = settings;
        this.fallback = new SharedFallback(local.clock(), redis.memory(), instances, redis.roomSignal());
        this.backstop = new LoopTimeout(vertx, settings.backstop().toMillis());
        redis.callTimeout(settings.callTimeout());
        redis.rememberForFallback(settings.failOpen());
        scheduleProbe();
    }

    /** Redis's: the local fallback announces its refunds there too, so queued requests wake in either mode. */
    @Override
    public RoomSignal roomSignal() {
        return redis.roomSignal();
    }

    public LimiterMode mode() {
        return mode;
    }

    @Override
    public Future<Admission> admit(AdmissionRequest request) {
        if (mode != LimiterMode.REDIS) {
            return degraded(request);
        }
        Future<Admission> call = redis.admit(request);
        if (call.isComplete()) {
            Promise<Admission> answer = Promise.promise();
            decideInto(answer, request, call, call);
            return answer.future();
        }
        // one promise for the answer, whoever decides first: Redis's answer, or the backstop
        Promise<Admission> answer = Promise.promise();
        AtomicBoolean decided = new AtomicBoolean();
        call.onComplete(ar -> {
            if (decided.compareAndSet(false, true)) {
                decideInto(answer, request, call, ar);
            }
        });
        backstop.watch(answer.future(), () -> {
            if (decided.compareAndSet(false, true)) {
                decideInto(answer, request, call, Future.failedFuture(backstop.timeout()));
            }
        });
        return answer.future();
    }

    /** {@link #decide}s into {@code answer}; a decision that throws fails the admission rather than leave it open. */
    private void decideInto(Promise<Admission> answer, AdmissionRequest request, Future<Admission> call,
            AsyncResult<Admission> ar) {
        try {
            decide(request, call, ar).onComplete(answer);
        } catch (RuntimeException e) {
            answer.tryFail(e);
        }
    }

    /** What an admission whose Redis call ended as {@code ar} (or was given up by the backstop) gets. */
    private Future<Admission> decide(AdmissionRequest request, Future<Admission> call, AsyncResult<Admission> ar) {
        if (ar.succeeded()) {
            if (slowCalls.get() != 0) { // a shared write per admission only when there is something to reset
                slowCalls.set(0);
            }
            return Future.succeededFuture(withMode(ar.result()));
        }
        if (!(ar.cause() instanceof TimeoutException)) {
            degrade(ar.cause());
            return degraded(request);
        }
        // the script may still run and count: its late answer is settled like the local reservation
        Future<Admission> late = call.recover(err -> err instanceof LateAnswer l ? l.answer() : Future.failedFuture(err));
        if (persistentlySlow(ar.cause())) {
            degrade(ar.cause());
            return byMode(request, late);
        }
        if (!(ar.cause() instanceof LateAnswer)) {
            return byMode(request, late); // the backstop itself: waited long enough
        }
        // one slow call is not an outage: Redis's own answer decides (a 503, or a local admission that
        // Redis would have refused, would be wrong on a healthy Redis); by the end of the wait sustained
        // timeouts would have been called an outage
        return late.timeout(SLOW_STREAK_MILLIS, TimeUnit.MILLISECONDS).transform(answer ->
                answer.succeeded() ? Future.succeededFuture(withMode(answer.result())) : byMode(request, late));
    }

    /** Serves a request Redis did not answer in time by the failure mode; a late answer is settled like it. */
    private Future<Admission> byMode(AdmissionRequest request, Future<Admission> late) {
        return degraded(request).map(local -> {
            if (!local.admitted()) {
                late.onSuccess(a -> a.reservation().release());
                return local;
            }
            LateAnswerReservation twin = new LateAnswerReservation(local.reservation());
            lateAnswers.incrementAndGet();
            late.map(this::withMode).onComplete(answer -> {
                if (answer.succeeded()) {
                    twin.lateAnswer(answer.result());
                }
                lateAnswers.decrementAndGet();
            });
            return Admission.admitted(twin, local.requests().orElse(null), local.tokens().orElse(null));
        });
    }

    /** Stops probing; the wrapped limiters are closed by their owner. */
    public void close() {
        closed = true;
        vertx.cancelTimer(probeTimer);
    }

    /** Counts a timeout (once per batch); true when timeouts have lasted long enough to call it an outage. */
    private boolean persistentlySlow(Throwable timeout) {
        long now = System.nanoTime();
        Object batch = timeout instanceof LateAnswer l ? l.batch() : timeout;
        if (lastSlowBatch.getAndSet(batch) != batch && slowCalls.getAndIncrement() == 0) {
            slowSince = now;
        }
        return slowCalls.get() >= SLOW_CALLS_BEFORE_DEGRADING
                && now - slowSince >= TimeUnit.MILLISECONDS.toNanos(SLOW_STREAK_MILLIS);
    }

    private Admission withMode(Admission a) {
        if (!a.admitted() || a.reservation() == Reservation.NONE) {
            return a;
        }
        return Admission.admitted(new ModeReservation(a.reservation(), settings), a.requests().orElse(null),
                a.tokens().orElse(null));
    }

    private Future<Admission> degraded(AdmissionRequest request) {
        if (!settings.failOpen()) {
            return unavailable();
        }
        return fallback.admit(request, mode != LimiterMode.REDIS);
    }

    private static Future<Admission> unavailable() {
        return Future.succeededFuture(Admission.refused(new Refusal(null, LimitKind.UNAVAILABLE, CLOSED_RETRY_MILLIS),
                null, null));
    }

    private void degrade(Throwable cause) {
        LimiterMode next = settings.failOpen() ? LimiterMode.LOCAL_FALLBACK : LimiterMode.CLOSED;
        if (mode != next) {
            mode = next;
            LOG.warn("Redis limiter unavailable ({}); now {}", cause.toString(), next);
        }
    }

    /** Next probe in half to one and a half probe intervals: instances that lost Redis together do not probe in step. */
    private void scheduleProbe() {
        if (closed) {
            return;
        }
        long interval = settings.probeInterval().toMillis();
        long delay = Math.max(1, interval / 2 + ThreadLocalRandom.current().nextLong(interval + 1));
        probeTimer = vertx.setTimer(delay, id -> {
            probe();
            scheduleProbe();
        });
    }

    private void probe() {
        if (mode == LimiterMode.REDIS || !probing.compareAndSet(false, true)) {
            return;
        }
        redis.ping()
                .timeout(settings.probeInterval().toMillis(), TimeUnit.MILLISECONDS)
                .onComplete(ar -> {
                    probing.set(false);
                    if (ar.succeeded() && mode != LimiterMode.REDIS) {
                        slowCalls.set(0);
                        mode = LimiterMode.REDIS;
                        handBackWhenSettled(HAND_BACK_WAITS);
                        LOG.info("Redis limiter reachable again; back to REDIS");
                    }
                });
    }

    /**
     * Hands back once the late answers of timed-out admissions are in (each moves its request from the local counters
     * to Redis's, so handing back earlier would count it twice), or after a few seconds at most.
     */
    private void handBackWhenSettled(int waitsLeft) {
        if (lateAnswers.get() > 0 && waitsLeft > 0) {
            vertx.setTimer(HAND_BACK_WAIT_MILLIS, id -> handBackWhenSettled(waitsLeft - 1));
            return;
        }
        handBack();
    }

    /**
     * Adds what was counted locally during the outage (not the seeds it started from) to the shared counters, and
     * starts the next outage afresh.
     */
    private void handBack() {
        fallback.handBackTo(redis);
    }
}
