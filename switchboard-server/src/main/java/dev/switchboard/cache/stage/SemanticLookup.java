package dev.switchboard.cache.stage;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.CachedAnswer;
import dev.switchboard.cache.semantic.SemanticCache;
import dev.switchboard.cache.store.AnswerStore;
import dev.switchboard.stage.StageCall;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The semantic part of a cache stage: after an exact miss, the last user message is embedded (off the event loop,
 * by the gateway's bundled model or the stage's {@code embedder}) and looked up among the texts stored under the same context (earlier turns,
 * system prompt, tools, parameters, model and tenant hashed exactly, plus the guards' signatures: numbers, units,
 * negations, dates); a stored answer whose text is at least {@code threshold} alike is the call's answer. After a
 * miss whose answer was stored, the text is added to the index, pointing at that answer. A busy or failing embedder
 * is a miss, never an error or a wait beyond its queue.
 */
final class SemanticLookup {
    static final String SCORE_HEADER = "x-switchboard-cache-score";
    private static final String PROBE = "cache.semantic.probe";

    private final double threshold;
    /** The stage's settings: with a Redis store, indexed texts are shared with the other instances. */
    private final CacheSettings settings;
    private final Source source;

    /** Where the stage's semantic cache and feed come from (held by the stage); null once the stage is closed. */
    interface Source {
        SemanticCache cache(Vertx owner);

        dev.switchboard.cache.semantic.RedisSemanticFeed feed(Vertx owner);
    }

    SemanticLookup(CacheSettings settings, Source source) {
        this.threshold = settings.semanticThreshold();
        this.settings = settings;
        this.source = source;
    }

    /** A stored answer of the same meaning, or null; completes on the call's event loop. */
    CompletionStage<CachedAnswer> find(StageCall call, AnswerStore answers, String namespace) {
        CacheKey.SemanticParts parts = CacheKey.semanticParts(namespace, call.request());
        Context context = Vertx.currentContext();
        if (parts == null || context == null) {
            return CompletableFuture.completedFuture(null); // not a plain-text question: nothing to compare
        }
        SemanticCache semantic = source.cache(context.owner());
        if (semantic == null) {
            return CompletableFuture.completedFuture(null); // the stage was closed: a miss
        }
        join(context);
        CompletableFuture<CachedAnswer> found = new CompletableFuture<>();
        semantic.lookup(parts, threshold).whenComplete((probe, err) -> context.runOnContext(v -> {
            if (err != null || probe == null) {
                found.complete(null);
                return;
            }
            call.attributes().put(PROBE, probe);
            if (probe.hit() == null) {
                found.complete(null);
                return;
            }
            answers.get(probe.hit().answer()).onComplete(ar -> {
                CachedAnswer answer = ar.succeeded() ? ar.result() : null;
                if (answer != null) {
                    call.setResponseHeader(SCORE_HEADER, String.format(Locale.ROOT, "%.4f", probe.hit().score()));
                }
                found.complete(answer); // an index entry whose answer is gone is a miss
            });
        }));
        return found;
    }

    /** The answer of this call was stored under {@code key}: its text now finds it (indexed off the event loop). */
    void remember(StageCall call, CacheKey key, Duration ttl) {
        Context context = Vertx.currentContext();
        if (!(call.attributes().get(PROBE) instanceof SemanticCache.Probe probe) || probe.hit() != null || context == null) {
            return;
        }
        SemanticCache semantic = source.cache(context.owner());
        if (semantic == null) {
            return; // the stage was closed: its index may be too
        }
        boolean shared = settings.redisUrl() != null; // outlives this process: a kept index may keep its entry
        context.executeBlocking(() -> semantic.remember(probe, key, ttl, shared), false).onSuccess(added -> {
            dev.switchboard.cache.semantic.RedisSemanticFeed feed = added && shared ? source.feed(context.owner()) : null;
            if (feed != null) { // the other instances find it within their poll
                feed.publish(probe.partition(), probe.vector(), probe.text(), key, ttl);
            }
        });
    }

    /** With a Redis store: start taking the other instances' entries into this gateway's index. */
    void join(Context context) {
        if (settings.redisUrl() != null && context != null) {
            source.feed(context.owner());
        }
    }
}
