package dev.switchboard.cache.store;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.CachedAnswer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Answers shared by every gateway instance on one Redis (standalone or replicated, not Cluster: a write touches
 * three keys). Under the configured prefix:
 * <ul>
 *   <li>{@code <prefix>a:<hash>}: an entry, its {@link CachedAnswer#serialize() stored form}, with Redis's own TTL
 *       ({@code PX});</li>
 *   <li>{@code <prefix>n:<namespace>} and {@code <prefix>m:<model>}: indexes of the entries per tenant and per
 *       model, sorted sets scored by expiry, so a purge walks only its own entries (in batches) instead of the
 *       keyspace. Each write trims the expired members of both and keeps the index alive as long as its
 *       longest-lived entry, so the indexes stay as small as the live entries.</li>
 * </ul>
 * Reads and writes carry a short timeout: Redis away, slow or failing is a miss or a skipped write, counted, never
 * an error. Purging everything walks the prefix with {@code SCAN} in batches (never {@code KEYS}).
 */
public final class RedisAnswerStore implements AnswerStore {
    /** Entries one purge round removes: bounded work for Redis per round trip. */
    static final int PURGE_BATCH = 500;

    /** Sets the entry, indexes it under its namespace and model, trims the indexes' expired members. */
    private static final String PUT = """
            local ttl = tonumber(ARGV[2])
            local now = tonumber(ARGV[3])
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
            for i = 2, 3 do
              redis.call('ZADD', KEYS[i], now + ttl, KEYS[1])
              redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
              if redis.call('PTTL', KEYS[i]) < ttl then
                redis.call('PEXPIRE', KEYS[i], ttl)
              end
            end
            return 1
            """;

    /** Removes up to ARGV[1] entries of the index KEYS[1]; returns {entries deleted, members taken}. */
    private static final String PURGE_INDEX = """
            local members = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
            if #members == 0 then
              redis.call('DEL', KEYS[1])
              return {0, 0}
            end
            local deleted = redis.call('UNLINK', unpack(members))
            redis.call('ZREM', KEYS[1], unpack(members))
            return {deleted, #members}
            """;

    private final Redis redis;
    private final RedisAPI api;
    private final boolean ownsClient;
    private final RedisCacheSettings settings;
    private final Clock clock;
    private final StoreCounters counters = new StoreCounters();
    /** Closed (its client too): a late request's read is a miss, its write skipped, without touching the client. */
    private volatile boolean closed;

    /** A store over a client the caller owns (and closes). */
    public RedisAnswerStore(Redis redis, RedisCacheSettings settings, Clock clock) {
        this(redis, settings, clock, false);
    }

    private RedisAnswerStore(Redis redis, RedisCacheSettings settings, Clock clock, boolean ownsClient) {
        this.redis = redis;
        this.api = RedisAPI.api(redis);
        this.settings = settings;
        this.clock = clock;
        this.ownsClient = ownsClient;
    }

    /** A store with its own pooled client for {@code connectionString} (e.g. {@code redis://host:6379}). */
    public static RedisAnswerStore create(Vertx vertx, String connectionString, RedisCacheSettings settings) {
        RedisOptions options = new RedisOptions().setConnectionString(connectionString)
                .setMaxPoolSize(settings.poolSize()).setMaxPoolWaiting(settings.poolSize() * 32);
        return new RedisAnswerStore(Redis.createClient(vertx, options), settings, Clock.systemUTC(), true);
    }

    String entryKey(CacheKey key) {
        return settings.keyPrefix() + "a:" + key.hash();
    }

    String namespaceIndex(String namespace) {
        return settings.keyPrefix() + "n:" + namespace;
    }

    String modelIndex(String model) {
        return settings.keyPrefix() + "m:" + model;
    }

    @Override
    public Future<CachedAnswer> get(CacheKey key) {
        if (closed) {
            counters.misses.increment();
            return Future.succeededFuture();
        }
        return bounded(api.get(entryKey(key))).transform(ar -> {
            if (ar.failed()) {
                counters.failures.increment();
                counters.misses.increment();
                return Future.succeededFuture();
            }
            Response r = ar.result();
            if (r == null) {
                counters.misses.increment();
                return Future.succeededFuture();
            }
            Optional<CachedAnswer> answer = CachedAnswer.parse(r.toBytes());
            if (answer.isEmpty()) {
                counters.corrupted.increment();
                counters.misses.increment();
                return Future.succeededFuture();
            }
            counters.hits.increment();
            return Future.succeededFuture(answer.get());
        });
    }

    @Override
    public Future<Boolean> put(CacheKey key, CachedAnswer answer, Duration ttl) {
        if (answer.serializedSize() > settings.maxEntryBytes()) {
            counters.tooLarge.increment();
            return Future.succeededFuture(false);
        }
        long ttlMillis = ttl.toMillis();
        if (ttlMillis < 1 || closed) {
            return Future.succeededFuture(false);
        }
        byte[] value = answer.serialize();
        // the command's arguments as a request: the value goes as bytes, never through a String
        io.vertx.redis.client.Request eval = io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.EVAL)
                .arg(PUT).arg(3).arg(entryKey(key)).arg(namespaceIndex(key.namespace())).arg(modelIndex(key.model()))
                .arg(Buffer.buffer(value)).arg(ttlMillis).arg(clock.millis());
        return bounded(redis.send(eval)).transform(ar -> {
            if (ar.failed()) {
                counters.failures.increment();
                return Future.succeededFuture(false);
            }
            counters.stores.increment();
            counters.bytesWritten.add(value.length);
            return Future.succeededFuture(true);
        });
    }

    @Override
    public Future<Long> purge(CachePurge scope) {
        if (closed) { // a reload retired this store: its client is gone (its entries expire with their TTL)
            return Future.succeededFuture(0L);
        }
        if (scope.namespace() != null) {
            return purgeIndex(namespaceIndex(scope.namespace()), 0);
        }
        if (scope.model() != null) {
            return purgeIndex(modelIndex(scope.model()), 0);
        }
        return scanAll("0", 0);
    }

    /** One batch of an index's entries per round trip, until it is empty. */
    private Future<Long> purgeIndex(String index, long removed) {
        return api.eval(List.of(PURGE_INDEX, "1", index, Integer.toString(PURGE_BATCH))).compose(r -> {
            long deleted = r.get(0).toLong();
            long taken = r.get(1).toLong();
            return taken == 0 ? Future.succeededFuture(removed + deleted) : purgeIndex(index, removed + deleted);
        });
    }

    /** Every key under the prefix (entries and indexes), a SCAN batch per round. */
    private Future<Long> scanAll(String cursor, long removed) {
        return api.scan(List.of(cursor, "MATCH", glob(settings.keyPrefix()) + "*", "COUNT", Integer.toString(PURGE_BATCH)))
                .compose(r -> {
                    String next = r.get(0).toString();
                    List<String> entries = new ArrayList<>();
                    List<String> others = new ArrayList<>();
                    String entryPrefix = settings.keyPrefix() + "a:";
                    for (Response k : r.get(1)) {
                        (k.toString().startsWith(entryPrefix) ? entries : others).add(k.toString());
                    }
                    Future<Long> deleted = entries.isEmpty() ? Future.succeededFuture(0L)
                            : api.unlink(entries).map(Response::toLong);
                    Future<Long> rest = others.isEmpty() ? deleted : deleted.compose(n -> api.unlink(others).map(x -> n));
                    return rest.compose(n -> "0".equals(next) ? Future.succeededFuture(removed + n) : scanAll(next, removed + n));
                });
    }

    /** {@code s} matched literally by SCAN's glob: its special characters escaped. */
    static String glob(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private <T> Future<T> bounded(Future<T> f) {
        return f.timeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CacheStats stats() {
        return counters.snapshot(-1, counters.bytesWritten.sum());
    }

    /** Whether Redis answers (for a health check), within the store's timeout. */
    public Future<Void> ping() {
        return bounded(api.ping(List.of())).mapEmpty();
    }

    @Override
    public Future<Void> close() {
        closed = true;
        return ownsClient ? redis.close() : Future.succeededFuture();
    }
}
