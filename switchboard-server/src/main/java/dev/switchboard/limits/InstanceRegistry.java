package dev.switchboard.limits;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells how many gateway instances share the Redis limits, so that one counting locally while Redis is away takes
 * only its share of a limit ({@link LimitShare}). Each instance heartbeats every {@link #INTERVAL_MILLIS} into the
 * sorted set {@code <prefix>instances}: its random id (never anything a client sent) scored by when it expires,
 * {@link #TTL_MILLIS} later on Redis's clock. The same script drops expired entries and answers the count, so the set
 * only holds live instances (and entries scored implausibly far ahead, which no instance writes, are dropped too).
 * {@link #live()} is the count of the last heartbeat that succeeded (1 before any): while Redis is away it keeps the
 * count from just before. Its own small connection, so heartbeats never queue behind a burst of admissions.
 */
public final class InstanceRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceRegistry.class);
    static final long INTERVAL_MILLIS = 1_000;
    static final long TTL_MILLIS = 5_000;
    /** Entries scored further ahead than this were not written by an instance (ours are at most TTL ahead). */
    private static final long IMPLAUSIBLE_MILLIS = 10 * TTL_MILLIS;

    /** KEYS[1]: the set. ARGV: id, ttl ms, implausible ms. Redis's own clock, so instance clock skew does not matter. */
    static final LuaScript HEARTBEAT = new LuaScript("""
            if redis.replicate_commands then redis.replicate_commands() end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local ttl = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '(' .. string.format('%d', now + tonumber(ARGV[3])), '+inf')
            redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ttl)
            return redis.call('ZCARD', KEYS[1])
            """);

    private final Vertx vertx;
    private final RedisAPI api;
    private final Redis client;
    private final String key;
    private final String id = UUID.randomUUID().toString();
    private final AtomicBoolean beating = new AtomicBoolean();
    private volatile int live = 1;
    private volatile long timer = -1;

    /** @param client closed by {@link #leave()} */
    InstanceRegistry(Vertx vertx, Redis client, String keyPrefix) {
        this.vertx = vertx;
        this.client = client;
        this.api = RedisAPI.api(client);
        this.key = keyPrefix + "instances";
    }

    /** A registry with its own single connection to {@code connectionString}; call {@link #start()}. */
    public static InstanceRegistry create(Vertx vertx, String connectionString, String keyPrefix) {
        RedisOptions options = new RedisOptions().setConnectionString(connectionString).setMaxPoolSize(1).setMaxPoolWaiting(4);
        return new InstanceRegistry(vertx, Redis.createClient(vertx, options), keyPrefix);
    }

    /** Heartbeats now and every second; the returned future completes with the first heartbeat (failed or not). */
    public Future<Integer> start() {
        timer = vertx.setPeriodic(INTERVAL_MILLIS, t -> beat());
        return beat();
    }

    /** Live instances at the last successful heartbeat, this one included: at least 1. */
    public int live() {
        return live;
    }

    /** This instance's id in the set (random per process). */
    String id() {
        return id;
    }

    Future<Integer> beat() {
        if (!beating.compareAndSet(false, true)) {
            return Future.succeededFuture(live);
        }
        return HEARTBEAT.run(api, List.of(key), List.of(id, Long.toString(TTL_MILLIS), Long.toString(IMPLAUSIBLE_MILLIS)))
                .timeout(INTERVAL_MILLIS, TimeUnit.MILLISECONDS)
                .map(r -> {
                    int n = (int) Math.max(1, Math.min(Integer.MAX_VALUE, r.toLong()));
                    if (n != live) {
                        LOG.info("gateway instances sharing the Redis limits: {} (was {})", n, live);
                    }
                    live = n;
                    return n;
                })
                .onComplete(ar -> beating.set(false))
                .recover(e -> {
                    LOG.debug("instance heartbeat failed: {}", e.toString());
                    return Future.succeededFuture(live);
                });
    }

    /** Stops heartbeating (before a drain); the entry stays until {@link #leave()} or it expires. */
    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Removes this instance's entry (a graceful shutdown, so the others' shares grow at once) and closes the client. */
    public Future<Void> leave() {
        stop();
        return api.zrem(List.of(key, id)).<Void>mapEmpty().otherwiseEmpty().eventually(() -> client.close());
    }
}
