package dev.switchboard.cache.stage;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.CachePolicy;
import dev.switchboard.cache.CachedAnswer;
import dev.switchboard.cache.StreamAssembler;
import dev.switchboard.cache.store.AnswerStore;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.stage.Stage;
import dev.switchboard.stage.StageCall;
import dev.switchboard.stage.StageDecision;
import dev.switchboard.stage.StageOutcome;
import dev.switchboard.stage.StreamStage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The exact response cache. Before the provider: a canonical key of what decides the answer, in the caller's
 * namespace; a stored answer is the call's answer ({@code x-switchboard-cache: hit}, its age), whole or streamed in
 * the caller's dialect. After a miss: the answer the client got, whole or assembled from its stream, is stored if
 * the call succeeded and the answer may be cached (never an error, a refusal, a content-filter ending). A store
 * that is away or slow is a miss, never an error. The stage holds its gateway's store (and semantic cache and feed)
 * until it is closed ({@link StageHolds}); a request that outlives that gets a miss and stores nothing.
 */
final class ResponseCacheStage implements Stage {
    static final String HEADER = "x-switchboard-cache";
    static final String AGE_HEADER = "x-switchboard-cache-age";
    /** Bodies up to this size are hashed on the event loop; larger ones on a worker (the cost grows with the body). */
    private static final int INLINE_KEY_BYTES = 64 * 1024;
    private static final String KEY = "cache.key";
    private static final String TTL = "cache.ttl";
    private static final String ASSEMBLER = "cache.assembler";

    private final String name;
    private final CacheSettings settings;
    private final CachePolicy policy;
    private volatile LookupCounters counters;
    private volatile Bound bound;
    /** Null when the stage has no {@code semantic:} settings. */
    private final SemanticLookup semantic;
    private final StageHolds holds = new StageHolds();

    ResponseCacheStage(String name, CacheSettings settings) {
        this.name = name;
        this.settings = settings;
        this.policy = new CachePolicy(settings.toolCalls(), settings.sampled());
        this.semantic = settings.semantic() ? new SemanticLookup(settings, new SemanticLookup.Source() {
            @Override
            public dev.switchboard.cache.semantic.SemanticCache cache(Vertx owner) {
                return semanticCache(owner);
            }

            @Override
            public dev.switchboard.cache.semantic.RedisSemanticFeed feed(Vertx owner) {
                return ResponseCacheStage.this.feed(owner);
            }
        }) : null;
    }

    /** A config version with this stage replaced the one before: hold what the gateway has open for these settings. */
    void adopt(GatewayCaches caches) {
        holds.hold(new Held(caches, "store"), () -> caches.storeIfOpen(settings));
        if (semantic != null && settings.embedder() != null) {
            holds.hold(new Held(caches, "semantic"), () -> caches.providerSemanticIfOpen(settings.embedder()));
        }
        boolean index = settings.embedder() == null || holds.holds(new Held(caches, "semantic"));
        if (semantic != null && settings.redisUrl() != null && index) { // a feed is let go of before its index
            holds.hold(new Held(caches, "feed"), () -> caches.feedIfOpen(settings));
        }
    }

    /** The config that made this stage was replaced and its requests are over: let go of what it holds. */
    @Override
    public void close() {
        holds.close();
    }

    /** What this stage holds of gateway {@code caches}: one store, one semantic cache, one feed. */
    private record Held(GatewayCaches caches, String what) {}

    /** The gateway this stage serves and its store, found once (no lock on the request path after that). */
    private record Bound(Vertx owner, GatewayCaches caches, AnswerStore store) {}

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean readsAnswers() {
        return true;
    }

    @Override
    public CompletionStage<StageDecision> onRequest(StageCall call) {
        ModelRequest req = call.request();
        ClientCacheControl control = ClientCacheControl.of(call.header("cache-control"),
                call.header(ClientCacheControl.TTL_HEADER), settings.ttl());
        Context context = Vertx.currentContext();
        AnswerStore answers = store(context.owner());
        if (answers == null) { // closed before it held a store (its config was replaced): not looked up
            call.setResponseHeader(HEADER, "bypass");
            return StageDecision.PROCEED_NOW;
        }
        if (control.noStore() || req.operation() == Operation.COMPLETIONS || policy.refuseRequest(req) != null) {
            return bypass(call);
        }
        String namespace = namespace(call);
        if (req.raw().length <= INLINE_KEY_BYTES) {
            return lookup(call, answers, CacheKey.of(namespace, req), control, namespace);
        }
        CompletableFuture<StageDecision> decided = new CompletableFuture<>();
        context.<CacheKey>executeBlocking(() -> CacheKey.of(namespace, req), false).onComplete(k -> {
            if (k.failed()) {
                bypass(call);
                decided.complete(StageDecision.PROCEED);
            } else {
                lookup(call, answers, k.result(), control, namespace).whenComplete((d, e) -> decided.complete(d));
            }
        });
        return decided;
    }

    private CompletionStage<StageDecision> lookup(StageCall call, AnswerStore answers, CacheKey key,
                                                  ClientCacheControl control, String namespace) {
        call.attributes().put(KEY, key);
        call.attributes().put(TTL, control.ttl());
        if (control.noCache()) { // asked for a fresh answer: no lookup, and the fresh one replaces the entry
            counters.misses.increment();
            call.setResponseHeader(HEADER, "miss");
            return StageDecision.PROCEED_NOW;
        }
        Future<CachedAnswer> found = answers.get(key);
        if (found.isComplete() && (found.result() != null || semantic == null)) {
            return CompletableFuture.completedFuture(decide(call, found.result(), "hit"));
        }
        CompletableFuture<StageDecision> decided = new CompletableFuture<>();
        found.onComplete(ar -> {
            CachedAnswer exact = ar.succeeded() ? ar.result() : null;
            if (exact != null || semantic == null) {
                decided.complete(decide(call, exact, "hit"));
                return;
            }
            semantic.find(call, answers, namespace)
                    .whenComplete((alike, e) -> decided.complete(decide(call, alike, "semantic-hit")));
        });
        return decided;
    }

    private StageDecision decide(StageCall call, CachedAnswer hit, String kind) {
        if (hit == null) {
            counters.misses.increment();
            call.setResponseHeader(HEADER, "miss");
            return StageDecision.PROCEED;
        }
        counters.hits.increment();
        call.attributes().remove(KEY); // nothing to store afterwards
        call.setResponseHeader(HEADER, kind);
        call.setResponseHeader(AGE_HEADER, Long.toString(hit.ageSeconds(System.currentTimeMillis())));
        // a replay: the engine records it as a hit, saving the price of its maker's call
        return new StageDecision.Respond(hit.toReplay(settings.hitsConsumeTokens()));
    }

    private CompletionStage<StageDecision> bypass(StageCall call) {
        counters.bypasses.increment();
        call.setResponseHeader(HEADER, "bypass");
        return StageDecision.PROCEED_NOW;
    }

    @Override
    public StreamStage onStream(StageCall call) {
        if (!(call.attributes().get(KEY) instanceof CacheKey)) {
            return null;
        }
        StreamAssembler assembler = new StreamAssembler(settings.maxEntryBytes());
        call.attributes().put(ASSEMBLER, assembler);
        return new AssemblingStream(assembler);
    }

    @Override
    public void onOutcome(StageCall call, StageOutcome outcome) {
        if (!(call.attributes().get(KEY) instanceof CacheKey key) || outcome.answeredBy() != null
                || !outcome.succeeded() || !outcome.errorType().isEmpty()) {
            return; // a hit, a bypass, another stage's answer, or a failure: nothing to store
        }
        boolean streamed = outcome.answer() == null;
        byte[] body = streamed ? assembled(call) : outcome.answer().body();
        if (body == null || body.length > settings.maxEntryBytes() || policy.refuseAnswer(body) != null) {
            return;
        }
        Duration ttl = (Duration) call.attributes().get(TTL);
        Context context = Vertx.currentContext();
        Bound b = bound; // the store its lookup used (a closed one skips the write)
        AnswerStore answers = context != null ? store(context.owner()) : b == null ? null : b.store();
        if (answers == null) {
            return; // closed before it held a store: nothing to store into
        }
        answers.put(key, new CachedAnswer(body, outcome.usage(), outcome.servedBy() == null ? "" : outcome.servedBy(),
                System.currentTimeMillis(), streamed), ttl).onSuccess(stored -> {
                    if (stored && semantic != null) {
                        semantic.remember(call, key, ttl);
                    }
                });
    }

    private static byte[] assembled(StageCall call) {
        return call.attributes().get(ASSEMBLER) instanceof StreamAssembler a && !a.gaveUp() ? a.answer() : null;
    }

    /** Whose answers this call may read and write: its key's by default, never another tenant's. */
    private String namespace(StageCall call) {
        return switch (settings.namespace()) {
            case SHARED -> "shared";
            case TEAM -> call.team() != null ? "team:" + call.team() : "key:" + call.callerId();
            case KEY -> "key:" + call.callerId();
        };
    }

    /** This gateway's store for these settings, held once (a stage serves one gateway); null once closed. */
    private AnswerStore store(Vertx owner) {
        Bound b = bound;
        if (b != null && b.owner() == owner) {
            return b.store(); // held until the stage is closed; a closed store is a miss and skips writes
        }
        GatewayCaches caches = GatewayCaches.of(owner);
        counters = caches.counters(name);
        AnswerStore s = holds.hold(new Held(caches, "store"), () -> caches.store(owner, name, settings));
        if (s != null) {
            bound = new Bound(owner, caches, s);
        }
        return s;
    }

    private GatewayCaches caches(Vertx owner) {
        Bound b = bound;
        return b != null && b.owner() == owner ? b.caches() : GatewayCaches.of(owner);
    }

    /** The semantic cache of these settings: the gateway's bundled one, or held (its embedder's); null once closed. */
    private dev.switchboard.cache.semantic.SemanticCache semanticCache(Vertx owner) {
        GatewayCaches caches = caches(owner);
        if (settings.embedder() == null) {
            return caches.semantic(); // one per gateway, whatever the config: never freed before it closes
        }
        return holds.hold(new Held(caches, "semantic"), () -> caches.providerSemantic(settings.embedder()));
    }

    /** With a Redis store: the feed sharing the semantic index through it, held; null once closed. */
    private dev.switchboard.cache.semantic.RedisSemanticFeed feed(Vertx owner) {
        GatewayCaches caches = caches(owner);
        dev.switchboard.cache.semantic.SemanticCache index = semanticCache(owner); // held first: let go of last
        return index == null ? null
                : holds.hold(new Held(caches, "feed"), () -> caches.feed(owner, settings, index.index()));
    }
}
