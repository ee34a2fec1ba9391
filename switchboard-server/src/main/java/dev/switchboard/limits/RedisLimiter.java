package dev.switchboard.limits;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limiter shared by every gateway instance through Redis. An admission is one round trip: one Lua script
 * checks every scope's counters and increments all or none, setting window expiries. Reconciles go
 * through a {@link ReconcileBatcher}, off the request path. Window keys come from this instance's clock,
 * so instances need roughly synchronised clocks (NTP). All keys of one admission must live on one Redis
 * node (standalone or replicated Redis, not Cluster).
 */
public final class RedisLimiter extends CountingLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(RedisLimiter.class);
    private static final int POOL_SIZE = 16;
    /** How often a scope's first queued request looks for room other instances gave back (refunds here wake it). */
    static final long POLL_MILLIS = 1000;
    private final Redis redis;
    private final RedisAPI api;
    private final ReconcileBatcher batcher;
    private final CounterMemory memory;

    public RedisLimiter(Vertx vertx, Redis redis, RedisLimiterSettings settings, Clock clock) {
        super(clock, settings.keyPrefix(), new RoomSignal(vertx, POLL_MILLIS));
        this.redis = redis;
        this.api = RedisAPI.api(redis);
        this.batcher = new ReconcileBatcher(vertx, api, settings.reconcileDelay().toMillis(), settings.reconcileBatchSize());
        this.memory = new CounterMemory(settings.keyPrefix());
    }

    /** A limiter with its own pooled client for {@code connectionString} (e.g. {@code redis://host:6379}). */
    public static RedisLimiter create(Vertx vertx, String connectionString, RedisLimiterSettings settings) {
        return new RedisLimiter(vertx, Redis.createClient(vertx, clientOptions(connectionString)), settings, Clock.systemUTC());
    }

    /** Pool options suited to many concurrent admissions (the client's default wait queue is small). */
    public static RedisOptions clientOptions(String connectionString) {
        return new RedisOptions().setConnectionString(connectionString)
                .setMaxPoolSize(POOL_SIZE).setMaxPoolWaiting(10_000).setMaxWaitingHandlers(10_000);
    }

    @Override
    Future<CheckOutcome> checkAndAdd(List<CounterCheck> checks) {
        List<String> keys = new ArrayList<>(checks.size());
        List<String> args = new ArrayList<>(checks.size() * RedisScripts.ARGS_PER_CHECK);
        for (CounterCheck c : checks) {
            keys.add(c.key());
            args.add(Long.toString(c.increment()));
            args.add(Long.toString(c.required()));
            args.add(Long.toString(c.limit()));
            args.add(Long.toString(c.ttlSeconds()));
            args.add(Long.toString(c.bucket()));
        }
        return RedisScripts.ADMIT.run(api, keys, args).map(r -> {
            CheckOutcome outcome = outcome(r, checks.size());
            memory.remember(checks, outcome.values(), clock());
            return outcome;
        });
    }

    /** The last budget and tokens-per-day values Redis reported, for counting locally while it is away. */
    CounterMemory memory() {
        return memory;
    }

    static CheckOutcome outcome(Response r, int n) {
        if (r == null || r.size() != 2 * n + 2) {
            throw new IllegalStateException("unexpected limiter script answer");
        }
        long[] values = new long[n];
        long[] granted = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = r.get(i + 2).toLong();
            granted[i] = r.get(n + i + 2).toLong();
        }
        return new CheckOutcome(r.get(0).toInteger() - 1, values, granted, r.get(1).toLong());
    }

    @Override
    Future<Void> adjust(Map<Slot, Long> deltas) {
        Map<String, Long> byKey = new java.util.LinkedHashMap<>();
        deltas.forEach((slot, delta) -> byKey.merge(slot.storeKey(), delta, Long::sum));
        return batcher.add(byKey);
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
        return RedisScripts.ADMIT.load(api).compose(v -> RedisScripts.ADJUST.load(api)).compose(v -> fillPool());
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
            return batcher.flush().otherwiseEmpty().compose(v -> redis.close());
        } catch (RuntimeException e) {
            LOG.warn("limiter closed after its event loops; pending counter adjustments dropped: {}", e.toString());
            return Future.failedFuture(e);
        }
    }
}
