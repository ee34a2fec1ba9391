package dev.switchboard.cache.stage;

import dev.switchboard.cache.store.AnswerStore;
import dev.switchboard.cache.store.CachePurge;
import dev.switchboard.cache.store.CacheStats;
import dev.switchboard.cache.store.MemoryAnswerStore;
import dev.switchboard.cache.store.RedisAnswerStore;
import dev.switchboard.cache.store.RedisCacheSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The response caches of one gateway (one Vert.x instance): its stores, by what defines them, and each cache stage's
 * lookup counts, by the stage's configured name. A config reload makes new cache stages, which find the same store
 * and counters, so cached answers and counts outlive reloads; two gateways in one process never share an in-process
 * store (only Redis is shared). The gateway binds its metrics registry here ({@link #bindMetrics}) and the admin API
 * reads stats and purges through it. Every map is keyed by configuration (stage names, store settings), never by a
 * client value.
 */
public final class GatewayCaches {
    private static final Map<Vertx, GatewayCaches> BY_GATEWAY = Collections.synchronizedMap(new WeakHashMap<>());

    /** A store and how metrics and stats name it: its backend and the first stage that opened it (never its URL). */
    record Opened(AnswerStore store, String backend, String name) {}

    private final Map<String, Opened> stores = new ConcurrentHashMap<>();
    private final Map<String, LookupCounters> stages = new ConcurrentHashMap<>();
    private CacheMeters meters;
    /** Semantic index feeds shared through Redis, by URL and prefix (each with its own client). */
    private final Map<String, dev.switchboard.cache.semantic.RedisSemanticFeed> feeds = new ConcurrentHashMap<>();
    private final List<io.vertx.redis.client.Redis> feedClients = java.util.Collections.synchronizedList(new ArrayList<>());
    /** The semantic cache (the bundled embedding model and the in-process index), made when a stage first asks. */
    private volatile dev.switchboard.cache.semantic.SemanticCache semantic;
    /** Where the semantic index is kept across restarts (null: in memory); see {@link #keepSemanticIndexIn}. */
    private volatile java.nio.file.Path semanticRoot;
    /** Semantic caches that embed with a provider's model ({@code semantic.embedder}). */
    private final ProviderSemantics providerSemantics = new ProviderSemantics();

    private GatewayCaches() {}

    /** This gateway's caches (made on first use). */
    public static GatewayCaches of(Vertx vertx) {
        return BY_GATEWAY.computeIfAbsent(vertx, v -> new GatewayCaches());
    }

    /** The store for {@code s}, made on first use by stage {@code stage}. */
    AnswerStore store(Vertx vertx, String stage, CacheSettings s) {
        String id = s.redisUrl() == null
                ? "memory|" + s.maxBytes() + "|" + s.maxEntryBytes()
                : "redis|" + s.redisUrl() + "|" + s.prefix() + "|" + s.maxEntryBytes() + "|" + s.timeout().toMillis();
        Opened o = stores.get(id);
        if (o != null) {
            return o.store();
        }
        synchronized (this) {
            o = stores.get(id);
            if (o != null) {
                return o.store();
            }
            String backend = s.redisUrl() == null ? "memory" : "redis";
            String name = stage;
            for (int n = 2; named(name, backend); n++) { // a reload that changed the settings opened another store
                name = stage + "#" + n;
            }
            o = new Opened(s.redisUrl() == null
                    ? new MemoryAnswerStore(s.maxBytes(), s.maxEntryBytes())
                    : RedisAnswerStore.create(vertx, s.redisUrl(), new RedisCacheSettings(s.prefix(), s.timeout(),
                            s.maxEntryBytes(), RedisCacheSettings.defaults(s.prefix()).poolSize())),
                    backend, name);
            stores.put(id, o);
            if (meters != null) {
                meters.store(o);
            }
            return o.store();
        }
    }

    private boolean named(String name, String backend) {
        return stores.values().stream().anyMatch(o -> o.name().equals(name) && o.backend().equals(backend));
    }

    /** The gateway is closing: its stores release what they hold (Redis clients) and are forgotten. */
    public static Future<Void> close(Vertx vertx) {
        GatewayCaches caches = BY_GATEWAY.remove(vertx);
        if (caches == null) {
            return Future.succeededFuture();
        }
        List<Future<Void>> closing = new ArrayList<>();
        caches.stores.values().forEach(o -> closing.add(o.store().close()));
        caches.feeds.values().forEach(dev.switchboard.cache.semantic.RedisSemanticFeed::close);
        caches.feedClients.forEach(io.vertx.redis.client.Redis::close);
        if (caches.semantic != null) {
            caches.semantic.close();
        }
        caches.providerSemantics.close();
        return Future.join(closing).mapEmpty();
    }

    /** This gateway's semantic cache: one embedding model and one index, whatever the stages (loaded on first use). */
    dev.switchboard.cache.semantic.SemanticCache semantic() {
        dev.switchboard.cache.semantic.SemanticCache s = semantic;
        if (s == null) {
            synchronized (this) {
                s = semantic;
                if (s == null) {
                    dev.switchboard.cache.semantic.MiniLmEmbedder embedder = new dev.switchboard.cache.semantic.MiniLmEmbedder();
                    java.nio.file.Path root = semanticRoot;
                    s = new dev.switchboard.cache.semantic.SemanticCache(embedder, root == null
                            ? new dev.switchboard.cache.semantic.LuceneSemanticIndex(embedder.dimensions(), 100_000, 256L << 20)
                            : dev.switchboard.cache.semantic.PersistedSemanticIndex.open(root, embedder.model(),
                                    embedder.dimensions(), 100_000, 256L << 20)); // opens in the background
                    semantic = s;
                }
            }
        }
        return s;
    }

    /** The semantic cache of stage settings {@code s}: the bundled model's, or that of its {@code embedder}. */
    dev.switchboard.cache.semantic.SemanticCache semantic(CacheSettings s) {
        return s.embedder() == null ? semantic() : providerSemantics.of(s.embedder());
    }

    /** The server's own embeddings path, which provider embedders call (set once the data plane runs). */
    public void embeddingCalls(dev.switchboard.cache.semantic.EmbeddingCalls calls) {
        providerSemantics.calls(calls);
    }

    /**
     * Keeps the semantic index in a folder under {@code root} (one per embedding model) so it survives a restart;
     * null keeps it in memory. Takes effect when the index is made (a stage's first semantic lookup): call it at start.
     */
    public void keepSemanticIndexIn(java.nio.file.Path root) {
        semanticRoot = root;
        providerSemantics.keepIndexesIn(root);
    }

    /** The bundled model's semantic cache when a stage has made it, else null (for metrics: never makes it). */
    dev.switchboard.cache.semantic.SemanticCache semanticIfMade() {
        return semantic;
    }

    /**
     * The feed that shares this gateway's semantic index entries with the other instances on the stage's Redis (and
     * adds theirs): started on first use, polled every 100 ms, so another instance's entry is found within about that.
     */
    dev.switchboard.cache.semantic.RedisSemanticFeed feed(Vertx vertx, CacheSettings s) {
        String embedder = s.embedder() == null ? "" : s.embedder().indexId(); // one stream per model's vectors
        return feeds.computeIfAbsent(s.redisUrl() + "|" + s.prefix() + "|" + embedder, k -> {
            io.vertx.redis.client.Redis client = io.vertx.redis.client.Redis.createClient(vertx,
                    new io.vertx.redis.client.RedisOptions().setConnectionString(s.redisUrl()).setMaxPoolSize(4)
                            .setMaxPoolWaiting(256));
            feedClients.add(client);
            dev.switchboard.cache.semantic.RedisSemanticFeed feed = new dev.switchboard.cache.semantic.RedisSemanticFeed(
                    vertx, client, s.embedder() == null ? s.prefix() : s.prefix() + "emb:" + embedder + ":",
                    semantic(s).index(), 10_000, java.time.Duration.ofMillis(100),
                    java.time.Clock.systemUTC());
            feed.start();
            return feed;
        });
    }

    /** Stage {@code stage}'s lookup counts (the same object for every stage of that name). */
    LookupCounters counters(String stage) {
        LookupCounters c = stages.get(stage);
        if (c != null) {
            return c;
        }
        synchronized (this) {
            c = stages.get(stage);
            if (c == null) {
                c = new LookupCounters();
                stages.put(stage, c);
                if (meters != null) {
                    meters.stage(stage, c);
                }
            }
            return c;
        }
    }

    /** Exposes the caches' meters in {@code registry}: those there now and those made later. Once per gateway. */
    public synchronized void bindMetrics(MeterRegistry registry) {
        if (meters != null) {
            return;
        }
        meters = new CacheMeters(registry);
        stages.forEach(meters::stage);
        stores.values().forEach(meters::store);
        SemanticMeters.bind(registry, this);
        providerSemantics.bindMetrics(registry);
    }

    /** Each stage's lookups and each store's counts, by name (sorted). */
    public CacheReport report() {
        Map<String, CacheReport.StageCounts> s = new TreeMap<>();
        stages.forEach((name, c) -> s.put(name, new CacheReport.StageCounts(c.hits.sum(), c.misses.sum(), c.bypasses.sum())));
        List<CacheReport.StoreCounts> st = new ArrayList<>();
        for (Opened o : stores.values()) {
            st.add(new CacheReport.StoreCounts(o.name(), o.backend(), o.store().stats()));
        }
        st.sort((a, b) -> (a.name() + a.backend()).compareTo(b.name() + b.backend()));
        return new CacheReport(s, st);
    }

    /**
     * Removes the entries in {@code scope} from every store of this gateway (Redis: for every instance) and from the
     * semantic index (the others' too, through the feeds this gateway joined, within their poll); how many answers.
     * Call it off the event loop: the index purge runs on the caller's thread.
     */
    public Future<Long> purge(CachePurge scope) {
        dev.switchboard.cache.semantic.SemanticCache s = semantic;
        if (s != null) {
            s.purge(scope);
        }
        providerSemantics.purge(scope);
        Future<Long> total = Future.succeededFuture(0L);
        for (Opened o : stores.values()) {
            total = total.compose(n -> o.store().purge(scope).map(m -> n + m));
        }
        // after the stores: purging a Redis store of everything also removes the feed's stream under its prefix
        return total.eventually(() -> Future.join(feeds.values().stream().map(f -> f.publishPurge(scope)).toList()));
    }

    /** What {@link #report()} tells. */
    public record CacheReport(Map<String, StageCounts> stages, List<StoreCounts> stores) {
        public record StageCounts(long hits, long misses, long bypasses) {}

        public record StoreCounts(String name, String backend, CacheStats stats) {}
    }
}
