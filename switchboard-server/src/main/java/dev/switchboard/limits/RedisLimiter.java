package dev.switchboard.limits;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limiter shared by every gateway instance through Redis. The admissions of one event-loop turn go to Redis as one
 * script call ({@link AdmissionBatcher}), each checking every scope's counters and incrementing all or none, so a
 * burst costs a few round trips, not one per request, and never queues in the client's pool. Reconciles go through
 * a {@link ReconcileBatcher}, off the request path. Windows' buckets come from this instance's clock, so instances'
 * clocks must agree within {@link SlidingWindow#KEPT_BEHIND} buckets (NTP); the layout is {@link RedisScripts}'s. All keys of one admission must live on one Redis node (standalone or replicated
 * Redis, not Cluster).
 */
public final class RedisLimiter extends CountingLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(RedisLimiter.class);
    /**
     * Connections of the shared pool: reconcile batches and probes, and (for a limiter given a client) admission
     * batches, {@link AdmissionBatcher#IN_FLIGHT} for each event loop (Vert.x defaults to twice the cores) and the
     * limiter's own context, so they never wait for one.
     */
    static final int POOL_SIZE = Math.max(16, AdmissionBatcher.IN_FLIGHT * (2 * Runtime.getRuntime().availableProcessors() + 1) + 8);
    /** Waiting for a connection is bounded: past it a call fails at once rather than pile up. */
    static final int POOL_WAITING = 1024;
    /** Call timeout of a limiter on its own; a {@link DegradingLimiter} wrapping it sets its own. */
    static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(2);
    /** How often a scope's first queued request looks for room other instances gave back (refunds here wake it). */
    static final long POLL_MILLIS = 1000;
    private final Redis redis;
    private final RedisAPI api;
    private final ReconcileBatcher batcher;
    private final CounterMemory memory;
    private final AdmissionBatcher admissions;

    /** Everything over {@code redis}'s pool (whose connections may belong to any event loop). */
    public RedisLimiter(Vertx vertx, Redis redis, RedisLimiterSettings settings, Clock clock) {
        this(vertx, redis, null, settings, clock);
    }

    /**
     * Admissions over connections of the caller's own event loop ({@link AdmissionBatcher#IN_FLIGHT} per loop, opened
     * with {@code options}), so Redis's answer is read on the loop that waits for it; reconciles and probes over a
     * shared pool.
     */
    public RedisLimiter(Vertx vertx, RedisOptions options, RedisLimiterSettings settings, Clock clock) {
        this(vertx, Redis.createClient(vertx, options), options, settings, clock);
    }

    private RedisLimiter(Vertx vertx, Redis redis, RedisOptions perLoop, RedisLimiterSettings settings, Clock clock) {
        super(clock, settings.keyPrefix(), new RoomSignal(vertx, POLL_MILLIS));
        this.redis = redis;
        this.api = RedisAPI.api(redis);
        this.batcher = new ReconcileBatcher(vertx, api, settings.reconcileDelay().toMillis(), settings.reconcileBatchSize());
        this.memory = new CounterMemory(settings.keyPrefix());
        Supplier<Redis> loopClient = perLoop == null ? null : () -> Redis.createClient(vertx, new RedisOptions(perLoop)
                .setMaxPoolSize(AdmissionBatcher.IN_FLIGHT).setMaxPoolWaiting(AdmissionBatcher.IN_FLIGHT * 4));
        this.admissions = new AdmissionBatcher(vertx, redis, loopClient, DEFAULT_CALL_TIMEOUT.toMillis(),
                (check, value) -> {
                    if (rememberForFallback) {
                        memory.remember(check, value, clock);
                    }
                });
    }

    /** Whether answers are kept for a fail-open fallback to start from; fail-closed never counts locally. */
    private volatile boolean rememberForFallback = true;

    /** Set by a fail-closed {@link DegradingLimiter}: nothing would read the memory, so no admission pays for it. */
    void rememberForFallback(boolean remember) {
        this.rememberForFallback = remember;
    }

    /**
     * How long Redis may take to answer a batch, from when it is sent on a connection; past it the batch's admissions
     * fail with a {@link LateAnswer} (Redis may still count them).
     */
    void callTimeout(Duration timeout) {
        admissions.callTimeoutMillis(Math.max(1, timeout.toMillis()));
    }

    /** A limiter with its own pooled client for {@code connectionString} (e.g. {@code redis://host:6379}). */
    public static RedisLimiter create(Vertx vertx, String connectionString, RedisLimiterSettings settings) {
        return new RedisLimiter(vertx, clientOptions(connectionString), settings, Clock.systemUTC());
    }

    /** Pool options suited to many concurrent admissions (the client's default wait queue is small). */
    public static RedisOptions clientOptions(String connectionString) {
        return new RedisOptions().setConnectionString(connectionString)
                .setMaxPoolSize(POOL_SIZE).setMaxPoolWaiting(POOL_WAITING);
    }

    @Override
    Future<CheckOutcome> checkAndAdd(List<CounterCheck> checks) {
        return admissions.submit(checks);
    }

    /** The last budget and tokens-per-day values Redis reported, for counting locally while it is away. */
    CounterMemory memory() {
        return memory;
    }

    @Override
    Future<Void> adjust(Map<Slot, Long> deltas) {
        return batcher.add(deltas);
    }

    /** Sends pending reconciles now (shutdown, tests). */
    public Future<Void> flushReconciles() {
        return batcher.flush();
    }

    /**
     * Opens a connection and caches the scripts, so the first admissions do not pay for it (and do not
     * trip a short timeout in {@link DegradingLimiter}). Call once at startup; failure is harmless.
     */
    public Future<Void> warmUp() {
        return RedisScripts.ADMIT_MANY.load(api).compose(v -> RedisScripts.ADJUST.load(api)).compose(v -> fillPool())
                .compose(v -> admissions.submit(List.of())).mapEmpty(); // an empty admission loads the code on its path
    }

    /** Opens the pool's connections now: a burst right after startup would otherwise wait for connects. */
    private Future<Void> fillPool() {
        List<Future<Void>> pings = new ArrayList<>(POOL_SIZE);
        for (int i = 0; i < POOL_SIZE; i++) {
            pings.add(ping());
        }
        return Future.all(pings).mapEmpty();
    }

    /** The client's commands, for scripts other classes run (the instance heartbeat, the fallback's hand-back). */
    RedisAPI api() {
        return api;
    }

    /** Whether Redis answers. */
    public Future<Void> ping() {
        return api.ping(List.of()).mapEmpty();
    }

    /**
     * Flushes pending reconciles and closes the client. Never throws: when the event loops are already gone
     * (the gateway closes Vert.x first), the pending adjustments are dropped, which only errs on the strict side.
     */
    public Future<Void> close() {
        try {
            return batcher.flush().otherwiseEmpty().compose(v -> admissions.close()).compose(v -> redis.close());
        } catch (RuntimeException e) {
            LOG.warn("limiter closed after its event loops; pending counter adjustments dropped: {}", e.toString());
            return Future.failedFuture(e);
        }
    }
}
