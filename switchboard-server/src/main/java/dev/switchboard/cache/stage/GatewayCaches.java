package dev.switchboard.cache.stage;

import dev.switchboard.cache.store.AnswerStore;
import dev.switchboard.cache.store.CachePurge;
import dev.switchboard.cache.store.CacheStats;
import dev.switchboard.cache.store.MemoryAnswerStore;
import dev.switchboard.cache.store.RedisAnswerStore;
import dev.switchboard.cache.store.RedisCacheSettings;
import dev.switchboard.cache.semantic.RedisSemanticFeed;
import dev.switchboard.stage.Stage;
import dev.switchboard.stage.StagePlan;
import io.micrometer.core.instrument.Meter;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response caches of one gateway (one Vert.x instance): its stores, provider semantic caches and semantic feeds,
 * by what defines them, each held by the cache stages that use it ({@link Shared}), and each cache stage's lookup
 * counts, by the stage's configured name. A config reload makes new cache stages; {@link #adopt} has them hold what
 * is open for their settings before the old stages are closed, so a reload that keeps the settings keeps the store
 * and its answers, and one that changes them frees the old store (its entries, its client, its meters) once the old
 * config's stages are closed. Two gateways in one process never share an in-process store (only Redis is shared). The gateway binds its metrics registry here ({@link #bindMetrics}) and the admin API
 * reads stats and purges through it. Every map is keyed by configuration (stage names, store settings), never by a
 * client value.
 */
public final class GatewayCaches {
    private static final Map<Vertx, GatewayCaches> BY_GATEWAY = Collections.synchronizedMap(new WeakHashMap<>());
    private static final Logger LOG = LoggerFactory.getLogger(GatewayCaches.class);
    /** Closes what no stage holds any more: a semantic index commits and may wait for its folder (never an event loop). */
    static final ExecutorService CLOSER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "switchboard-cache-closer");
        t.setDaemon(true);
        return t;
    });

    /** How long a shutdown waits for queued closes: longer than an index waits for its folder. */
    static final long CLOSER_WAIT_SECONDS = 35;

    /** A store and how metrics and stats name it: its backend and the first stage that opened it (never its URL). */
    static final class Opened {
        private final AnswerStore store;
        private final String backend;
        private final String name;
        /** Its meters once registered, and whether it was closed (its meters removed); guarded by the meter lock. */
        List<Meter> meters = List.of();
        boolean closed;

        Opened(AnswerStore store, String backend, String name) {
            this.store = store;
            this.backend = backend;
            this.name = name;
        }

        AnswerStore store() {
            return store;
        }

        String backend() {
            return backend;
        }

        String name() {
            return name;
        }
    }

    /** A semantic feed and its own Redis client. */
    private record Feed(RedisSemanticFeed feed, io.vertx.redis.client.Redis client) {}

    private final Shared<Opened> stores = new Shared<>(this::forgetStore, GatewayCaches::closeStore);
    private final Map<String, LookupCounters> stages = new ConcurrentHashMap<>();
    /** Guards {@link #meters} and each store's meters; taken under {@link #stores}' lock, never the reverse. */
    private final Object meterLock = new Object();
    private CacheMeters meters;
    /** Semantic index feeds shared through Redis, by URL, prefix and embedding model (each with its own client). */
    private final Shared<Feed> feeds = new Shared<>(f -> { }, GatewayCaches::closeFeed);
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

    /**
     * The cache stages of a new config version hold what this gateway has open for their settings, before the
     * replaced version's stages are closed: what both use stays, with its answers. Opens nothing (a stage opens its
     * store on its first request). Returns {@code plan}.
     */
    public StagePlan adopt(StagePlan plan) {
        for (Stage s : plan.all()) {
            if (s instanceof ResponseCacheStage c) {
                c.adopt(this);
            }
        }
        return plan;
    }

    /** What defines the store of {@code s}: stages with the same share one store. */
    static String storeId(CacheSettings s) {
        return s.redisUrl() == null
                ? "memory|" + s.maxBytes() + "|" + s.maxEntryBytes()
                : "redis|" + s.redisUrl() + "|" + s.prefix() + "|" + s.maxEntryBytes() + "|" + s.timeout().toMillis();
    }

    /** A hold on the store for {@code s}, made on first use by stage {@code stage}. */
    Shared.Lease<AnswerStore> store(Vertx vertx, String stage, CacheSettings s) {
        return storeLease(stores.hold(storeId(s), () -> open(vertx, stage, s)));
    }

    /** A hold on the store for {@code s} when one is open, else null. */
    Shared.Lease<AnswerStore> storeIfOpen(CacheSettings s) {
        return storeLease(stores.holdIfOpen(storeId(s)));
    }

    private Shared.Lease<AnswerStore> storeLease(Shared.Lease<Opened> l) {
        if (l == null) {
            return null;
        }
        try {
            register(l.thing());
        } catch (RuntimeException e) { // the hold is given back, never kept by a stage that did not get it
            l.release();
            throw e;
        }
        return l.map(Opened::store);
    }

    private void register(Opened o) {
        synchronized (meterLock) {
            if (meters != null && !o.closed && o.meters.isEmpty()) {
                o.meters = meters.store(o);
            }
        }
    }

    /** Called by {@link #stores} under its lock. */
    private Opened open(Vertx vertx, String stage, CacheSettings s) {
        String backend = s.redisUrl() == null ? "memory" : "redis";
        String name = stage;
        for (int n = 2; named(name, backend); n++) { // a reload that changed the settings opened another store
            name = stage + "#" + n;
        }
        Opened o = new Opened(s.redisUrl() == null
                ? new MemoryAnswerStore(s.maxBytes(), s.maxEntryBytes())
                : RedisAnswerStore.create(vertx, s.redisUrl(), new RedisCacheSettings(s.prefix(), s.timeout(),
                        s.maxEntryBytes(), RedisCacheSettings.defaults(s.prefix()).poolSize())),
                backend, name);
        return o; // its meters are registered once held (outside the stores' lock)
    }

    private boolean named(String name, String backend) {
        return stores.values().stream().anyMatch(o -> o.name().equals(name) && o.backend().equals(backend));
    }

    /** No stage holds the store any more: its meters go before its name may be taken again. */
    private void forgetStore(Opened o) {
        synchronized (meterLock) {
            o.closed = true;
            if (meters != null) {
                meters.remove(o.meters);
            }
            o.meters = List.of();
        }
    }

    /** It lets go of its entries or its client (off the caller's thread: dropping many entries takes a while). */
    private static void closeStore(Opened o) {
        CLOSER.execute(() -> quietly("closing store " + o.name(), () -> o.store().close()));
    }

    private static void closeFeed(Feed f) {
        quietly("closing a semantic feed", f.feed()::close);
        quietly("closing a semantic feed's Redis client", () -> f.client().close());
    }

    static void quietly(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) { // one thing that fails to close must not keep the others open
            LOG.warn("response cache: {} failed: {}", what, e.toString());
        }
    }

    /** The gateway is closing: its stores release what they hold (Redis clients) and are forgotten. */
    public static Future<Void> close(Vertx vertx) {
        GatewayCaches caches = BY_GATEWAY.remove(vertx);
        if (caches == null) {
            return Future.succeededFuture();
        }
        drainCloser();
        List<Future<Void>> closing = new ArrayList<>();
        caches.stores.clear().forEach(o -> closing.add(o.store().close()));
        caches.feeds.clear().forEach(GatewayCaches::closeFeed);
        if (caches.semantic != null) {
            caches.semantic.close();
        }
        caches.providerSemantics.close();
        return Future.join(closing).mapEmpty();
    }

    /**
     * Waits, bounded, for the closes retired stages queued (the closer runs them in order): a retired index's last
     * commit is not lost when the process exits right after. Called on the gateway's closing thread.
     */
    static void drainCloser() {
        try {
            CLOSER.submit(() -> { }).get(CLOSER_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("response cache: closes of retired stores and indexes still running at shutdown ({})", e.toString());
        }
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

    /** A hold on the semantic cache of {@code embedder}'s model (made on first use, tuned to {@code embedder}). */
    Shared.Lease<dev.switchboard.cache.semantic.SemanticCache> providerSemantic(EmbedderSettings embedder) {
        return providerSemantics.hold(embedder);
    }

    /** A hold on it when it is open, else null. */
    Shared.Lease<dev.switchboard.cache.semantic.SemanticCache> providerSemanticIfOpen(EmbedderSettings embedder) {
        return providerSemantics.holdIfOpen(embedder);
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

    private static String feedId(CacheSettings s) {
        return s.redisUrl() + "|" + s.prefix() + "|" + (s.embedder() == null ? "" : s.embedder().indexId());
    }

    /**
     * A hold on the feed that shares this gateway's semantic index entries with the other instances on the stage's
     * Redis (and adds theirs) into {@code index}: started on first use, polled every 100 ms, so another instance's
     * entry is found within about that. The caller holds {@code index} at least as long.
     */
    Shared.Lease<RedisSemanticFeed> feed(Vertx vertx, CacheSettings s, dev.switchboard.cache.semantic.SemanticIndex index) {
        String embedder = s.embedder() == null ? "" : s.embedder().indexId(); // one stream per model's vectors
        return feedLease(feeds.hold(feedId(s), () -> {
            io.vertx.redis.client.Redis client = io.vertx.redis.client.Redis.createClient(vertx,
                    new io.vertx.redis.client.RedisOptions().setConnectionString(s.redisUrl()).setMaxPoolSize(4)
                            .setMaxPoolWaiting(256));
            RedisSemanticFeed feed = new RedisSemanticFeed(vertx, client,
                    s.embedder() == null ? s.prefix() : s.prefix() + "emb:" + embedder + ":", index, 10_000,
                    java.time.Duration.ofMillis(100), java.time.Clock.systemUTC());
            feed.start();
            return new Feed(feed, client);
        }));
    }

    /** A hold on the feed of {@code s} when one runs, else null. */
    Shared.Lease<RedisSemanticFeed> feedIfOpen(CacheSettings s) {
        return feedLease(feeds.holdIfOpen(feedId(s)));
    }

    private static Shared.Lease<RedisSemanticFeed> feedLease(Shared.Lease<Feed> l) {
        return l == null ? null : l.map(Feed::feed);
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
                CacheMeters m;
                synchronized (meterLock) {
                    m = meters;
                }
                if (m != null) {
                    m.stage(stage, c);
                }
            }
            return c;
        }
    }

    /** Exposes the caches' meters in {@code registry}: those there now and those made later. Once per gateway. */
    public void bindMetrics(MeterRegistry registry) {
        synchronized (this) {
            synchronized (meterLock) {
                if (meters != null) {
                    return;
                }
                meters = new CacheMeters(registry);
            }
            stages.forEach(meters::stage);
            SemanticMeters.bind(registry, this);
        }
        stores.values().forEach(this::register);
        providerSemantics.bindMetrics(registry);
    }

    /** Each stage's lookups and each open store's counts, by name (sorted). */
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
        for (Opened o : stores.values()) { // a store closed meanwhile (a reload retired it) counts 0, the rest go on
            total = total.compose(n -> o.store().purge(scope).map(m -> n + m).otherwise(n));
        }
        // after the stores: purging a Redis store of everything also removes the feed's stream under its prefix
        return total.eventually(() -> Future.join(feeds.values().stream().map(f -> f.feed().publishPurge(scope)).toList()));
    }

    /** What {@link #report()} tells. */
    public record CacheReport(Map<String, StageCounts> stages, List<StoreCounts> stores) {
        public record StageCounts(long hits, long misses, long bypasses) {}

        public record StoreCounts(String name, String backend, CacheStats stats) {}
    }
}
