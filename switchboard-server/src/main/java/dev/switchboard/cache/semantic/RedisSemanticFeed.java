package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.store.CachePurge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shares semantic index entries between instances on one Redis: each instance appends the entries it adds to a
 * stream ({@code <prefix>sem}, trimmed to about {@code maxLen} entries) and polls the stream for the others', adding
 * them to its own index. An entry written by one instance is found by another within one poll interval plus a round
 * trip. A purge travels the same way ({@link #publishPurge}): every instance removes the purged entries from its own
 * index within a poll, and a newcomer replaying the stream applies it after the entries it removes (the stream is
 * ordered). A new instance replays what the stream still holds (skipping expired entries), so it starts warm; an index
 * kept in a folder saves how far its feed got with its entries, and a restart resumes there. Lookups
 * stay in process; Redis away only pauses the sharing (a poll or a publish that fails is dropped and counted).
 *
 * <p>Why a stream: the answer store is key-value (another instance cannot find keys it does not know without a
 * scan), and Redis's own vector search needs a module plain Redis lacks and would put every lookup on the network.
 */
public final class RedisSemanticFeed implements AutoCloseable {
    /** Entries one poll reads at most: bounded work per round trip. */
    static final int BATCH = 200;

    private final Vertx vertx;
    private final Redis redis;
    private final String stream;
    private final SemanticIndex index;
    private final long maxLen;
    private final Duration poll;
    private final Clock clock;
    private final String instance = UUID.randomUUID().toString();
    private final AtomicBoolean polling = new AtomicBoolean();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong purges = new AtomicLong();
    /** Null until read from the index (where a kept index got to before a restart), else "0-0": the start. */
    private volatile String lastId;
    private volatile long timer = -1;

    /**
     * @param prefix the cache's Redis key prefix
     * @param maxLen about how many entries the stream keeps (a newcomer replays at most these)
     * @param poll   how often the stream is read: the bound on how late another instance's entry is found
     */
    public RedisSemanticFeed(Vertx vertx, Redis redis, String prefix, SemanticIndex index, long maxLen,
            Duration poll, Clock clock) {
        this.vertx = vertx;
        this.redis = redis;
        this.stream = prefix + "sem";
        this.index = index;
        this.maxLen = maxLen;
        this.poll = poll;
        this.clock = clock;
    }

    /** Replays the stream and starts polling it. */
    public void start() {
        timer = vertx.setPeriodic(0, Math.max(1, poll.toMillis()), id -> poll());
    }

    /** Appends an entry this instance added to its own index; never fails (a failed write is counted). */
    public Future<Void> publish(String partition, float[] vector, String text, CacheKey answer, Duration ttl) {
        Request xadd = Request.cmd(Command.XADD).arg(stream).arg("MAXLEN").arg("~").arg(maxLen).arg("*")
                .arg("i").arg(instance).arg("p").arg(partition).arg("v").arg(encode(vector)).arg("t").arg(text)
                .arg("n").arg(answer.namespace()).arg("m").arg(answer.model()).arg("k").arg(answer.hash())
                .arg("x").arg(clock.millis() + ttl.toMillis());
        return redis.send(xadd).timeout(1, TimeUnit.SECONDS).<Void>mapEmpty().recover(e -> {
            failures.incrementAndGet();
            return Future.succeededFuture();
        });
    }

    /**
     * Tells the other instances to remove the entries in {@code scope} from their indexes (this instance purges its
     * own); never fails (a failed write is counted: the others keep entries whose answers are gone, each a miss).
     */
    public Future<Void> publishPurge(CachePurge scope) {
        Request xadd = Request.cmd(Command.XADD).arg(stream).arg("MAXLEN").arg("~").arg(maxLen).arg("*")
                .arg("i").arg(instance).arg("op").arg("purge");
        if (scope.namespace() != null) {
            xadd.arg("n").arg(scope.namespace());
        }
        if (scope.model() != null) {
            xadd.arg("m").arg(scope.model());
        }
        return redis.send(xadd).timeout(1, TimeUnit.SECONDS).<Void>mapEmpty().recover(e -> {
            failures.incrementAndGet();
            return Future.succeededFuture();
        });
    }

    private void poll() {
        if (!polling.compareAndSet(false, true)) {
            return; // the previous poll is still running
        }
        Future<String> from = lastId != null ? Future.succeededFuture(lastId) : vertx.executeBlocking(() -> {
            String saved = index.feedPosition(stream); // may wait for a kept index to open: off the event loop
            return saved == null ? "0-0" : saved;
        }, true);
        from.compose(id -> {
            lastId = id;
            Request range = Request.cmd(Command.XRANGE).arg(stream).arg("(" + id).arg("+").arg("COUNT").arg(BATCH);
            return redis.send(range).timeout(1, TimeUnit.SECONDS);
        })
                .compose(entries -> vertx.executeBlocking(() -> apply(entries), true))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        failures.incrementAndGet();
                    }
                    polling.set(false);
                });
    }

    /** Adds the other instances' live entries to the index (off the event loop: the index takes a lock). */
    private Void apply(Response entries) {
        if (entries == null) {
            return null;
        }
        long now = clock.millis();
        List<String> seen = new ArrayList<>();
        for (int e = 0; e < entries.size(); e++) {
            Response entry = entries.get(e);
            seen.add(entry.get(0).toString());
            Response fields = entry.get(1);
            String from = null, op = null, partition = null, vector = null, text = null, ns = null, model = null,
                    key = null;
            long expiresAt = 0;
            for (int f = 0; f + 1 < fields.size(); f += 2) {
                String value = fields.get(f + 1).toString();
                switch (fields.get(f).toString()) {
                    case "i" -> from = value;
                    case "op" -> op = value;
                    case "p" -> partition = value;
                    case "v" -> vector = value;
                    case "t" -> text = value;
                    case "n" -> ns = value;
                    case "m" -> model = value;
                    case "k" -> key = value;
                    case "x" -> expiresAt = parseLong(value);
                    default -> { }
                }
            }
            if ("purge".equals(op)) {
                if (!instance.equals(from) && (ns == null || model == null)) { // one scope at most, as the API gives
                    index.purge(new CachePurge(ns, model));
                    purges.incrementAndGet();
                }
                continue;
            }
            if (instance.equals(from) || op != null || partition == null || vector == null || text == null || ns == null
                    || model == null || key == null || expiresAt <= now) {
                continue;
            }
            try {
                if (index.add(partition, decode(vector), text, new CacheKey(ns, model, key),
                        Duration.ofMillis(expiresAt - now), true)) { // its answer is in Redis: it may be kept
                    received.incrementAndGet();
                }
            } catch (IllegalArgumentException malformed) { // not base64: skipped, never retried forever
                failures.incrementAndGet();
            }
        }
        if (!seen.isEmpty()) {
            lastId = seen.get(seen.size() - 1);
            index.feedPosition(stream, lastId); // after the entries: a commit never saves a position ahead of them
        }
        return null;
    }

    /** Entries added from other instances so far. */
    public long received() {
        return received.get();
    }

    /** Purges of other instances applied to this index so far. */
    public long purges() {
        return purges.get();
    }

    /** Publishes and polls that failed (Redis away or slow). */
    public long failures() {
        return failures.get();
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0; // not ours: skipped as expired
        }
    }

    static String encode(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    static float[] decode(String encoded) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(v);
        return v;
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
