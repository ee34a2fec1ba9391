package dev.switchboard.limits;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis first; when a Redis admission fails or times out, switches to the local limiter (fail-open) or
 * refuses with {@link LimitKind#UNAVAILABLE} (fail-closed), and pings Redis until it answers again.
 * A Redis call that timed out may still have counted on the server; that only errs on the strict side.
 * Reservations stay with the limiter that admitted them.
 */
public final class DegradingLimiter implements Limiter {
    private static final Logger LOG = LoggerFactory.getLogger(DegradingLimiter.class);
    private static final long CLOSED_RETRY_MILLIS = 1000;
    private static final int SLOW_CALLS_BEFORE_DEGRADING = 3;

    private final Vertx vertx;
    private final RedisLimiter redis;
    private final LocalLimiter local;
    private final DegradingSettings settings;
    private final long probeTimer;
    private final AtomicBoolean probing = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger slowCalls = new java.util.concurrent.atomic.AtomicInteger();
    private volatile LimiterMode mode = LimiterMode.REDIS;

    public DegradingLimiter(Vertx vertx, RedisLimiter redis, LocalLimiter local, DegradingSettings settings) {
        this.vertx = vertx;
        this.redis = redis;
        this.local = local;
        this.settings = settings;
        this.probeTimer = vertx.setPeriodic(settings.probeInterval().toMillis(), id -> probe());
    }

    public LimiterMode mode() {
        return mode;
    }

    @Override
    public Future<Admission> admit(AdmissionRequest request) {
        if (mode != LimiterMode.REDIS) {
            return degraded(request);
        }
        return redis.admit(request)
                .timeout(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .transform(ar -> {
                    if (ar.succeeded()) {
                        slowCalls.set(0);
                        return Future.succeededFuture(ar.result());
                    }
                    // A broken connection is an outage at once; a slow answer only after several in a row (a burst
                    // right after startup, or a GC pause, must not drop every request to local counting).
                    if (!(ar.cause() instanceof java.util.concurrent.TimeoutException)
                            || slowCalls.incrementAndGet() >= SLOW_CALLS_BEFORE_DEGRADING) {
                        degrade(ar.cause());
                    }
                    return degraded(request);
                });
    }

    /** Stops probing; the wrapped limiters are closed by their owner. */
    public void close() {
        vertx.cancelTimer(probeTimer);
    }

    private Future<Admission> degraded(AdmissionRequest request) {
        if (settings.failOpen()) {
            return local.admit(request);
        }
        Refusal refusal = new Refusal(null, LimitKind.UNAVAILABLE, CLOSED_RETRY_MILLIS);
        return Future.succeededFuture(Admission.refused(refusal, null, null));
    }

    private void degrade(Throwable cause) {
        LimiterMode next = settings.failOpen() ? LimiterMode.LOCAL_FALLBACK : LimiterMode.CLOSED;
        if (mode != next) {
            mode = next;
            LOG.warn("Redis limiter unavailable ({}); now {}", cause.toString(), next);
        }
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
                        LOG.info("Redis limiter reachable again; back to REDIS");
                    }
                });
    }
}
