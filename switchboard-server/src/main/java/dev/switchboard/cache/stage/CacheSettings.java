package dev.switchboard.cache.stage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.config.Units;
import dev.switchboard.error.NearMiss;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A cache stage's settings, checked field by field.
 *
 * @param ttl            how long an answer is kept (a client may ask for less, never more)
 * @param namespace      whose answers a call may read: {@code key} (default), {@code team} or {@code shared}
 * @param maxEntryBytes  larger answers are not stored
 * @param maxBytes       the in-process store's bound (all entries)
 * @param toolCalls      answers that call tools may be stored
 * @param sampled        sampled requests (temperature > 0, or none given) may be stored
 * @param redisUrl       null: in process; else this Redis, shared by every instance
 * @param prefix         the Redis key prefix
 * @param timeout        how long a Redis lookup may take before it counts as a miss
 * @param hitsConsumeTokens a hit's tokens count against the caller's token limits (never its money); by default a
 *                       hit counts as a request only
 * @param embedder       {@code semantic.embedder}: a provider's embedding model; null for the bundled one
 */
record CacheSettings(Duration ttl, Namespace namespace, int maxEntryBytes, long maxBytes, boolean toolCalls,
                     boolean sampled, String redisUrl, String prefix, Duration timeout, boolean hitsConsumeTokens,
                     double semanticThreshold, EmbedderSettings embedder) {
    /** Whether a miss of the exact key is looked up by meaning too ({@code semantic:} given). */
    boolean semantic() {
        return semanticThreshold > 0;
    }

    enum Namespace { KEY, TEAM, SHARED }

    static final Set<String> FIELDS = Set.of("ttl", "namespace", "max_entry_bytes", "max_bytes", "cache_tool_calls",
            "cache_sampled", "backend", "url", "prefix", "timeout", "hits_consume_tokens", "semantic");

    static CacheSettings read(JsonNode s, List<String> problems) {
        s.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                problems.add("unknown setting '" + f + "'" + NearMiss.hint(f, FIELDS));
            }
        });
        Duration ttl = duration(s, "ttl", Duration.ofHours(1), problems);
        Namespace ns = Namespace.KEY;
        String nsText = s.path("namespace").asText("key");
        switch (nsText) {
            case "key" -> ns = Namespace.KEY;
            case "team" -> ns = Namespace.TEAM;
            case "shared" -> ns = Namespace.SHARED;
            default -> problems.add("namespace: one of key, team, shared" + NearMiss.hint(nsText, List.of("key", "team", "shared")));
        }
        long entry = size(s, "max_entry_bytes", 1L << 20, problems);
        long total = size(s, "max_bytes", 256L << 20, problems);
        if (entry > Integer.MAX_VALUE - 1024) {
            problems.add("max_entry_bytes: at most 2 GiB");
        }
        String backend = s.path("backend").asText("memory");
        String url = s.hasNonNull("url") ? s.get("url").asText() : null;
        if (!backend.equals("memory") && !backend.equals("redis")) {
            problems.add("backend: memory or redis" + NearMiss.hint(backend, List.of("memory", "redis")));
        } else if (backend.equals("redis") && (url == null || !(url.startsWith("redis://") || url.startsWith("rediss://")))) {
            problems.add("url: a redis:// or rediss:// URL is required with backend: redis");
        }
        return new CacheSettings(ttl, ns, (int) Math.min(entry, Integer.MAX_VALUE - 1024), total,
                bool(s, "cache_tool_calls", problems), bool(s, "cache_sampled", problems),
                backend.equals("redis") ? url : null, s.path("prefix").asText("switchboard:cache:"),
                duration(s, "timeout", Duration.ofMillis(50), problems), bool(s, "hits_consume_tokens", problems),
                semanticThreshold(s.get("semantic"), problems),
                s.path("semantic").isObject() ? EmbedderSettings.read(s.get("semantic").get("embedder"), problems) : null);
    }

    /** {@code semantic: { threshold: 0.78 }} (or {@code semantic: {}} for the default); 0 when absent. */
    private static double semanticThreshold(JsonNode n, List<String> problems) {
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.isObject()) {
            problems.add("semantic: a mapping, e.g. { threshold: 0.78 }");
            return 0;
        }
        n.fieldNames().forEachRemaining(f -> {
            if (!f.equals("threshold") && !f.equals("embedder")) {
                problems.add("semantic: unknown setting '" + f + "'" + NearMiss.hint(f, List.of("threshold", "embedder")));
            }
        });
        JsonNode t = n.get("threshold");
        if ((t == null || t.isNull()) && n.hasNonNull("embedder")) {
            // the default was measured with the bundled model; another model's scores spread differently
            problems.add("semantic.threshold: required with an embedder (the default "
                    + dev.switchboard.cache.semantic.SemanticCache.DEFAULT_THRESHOLD
                    + " was measured for the bundled model only; measure your model's, docs/cache-semantic.md)");
            return 0;
        }
        if (t == null || t.isNull()) {
            return dev.switchboard.cache.semantic.SemanticCache.DEFAULT_THRESHOLD;
        }
        if (!t.isNumber() || t.asDouble() <= 0 || t.asDouble() > 1) {
            problems.add("semantic.threshold: a number above 0, at most 1 (the cosine similarity a hit needs)");
            return 0;
        }
        return t.asDouble();
    }

    static List<String> problems(JsonNode s) {
        List<String> out = new ArrayList<>();
        read(s, out);
        return out;
    }

    private static Duration duration(JsonNode s, String field, Duration fallback, List<String> problems) {
        JsonNode v = s.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        Duration d = v.isTextual() ? Units.duration(v.asText()) : null;
        if (d == null || d.isZero() || d.isNegative()) {
            problems.add(field + ": a duration such as 50ms, 30s, 10m, 24h");
            return fallback;
        }
        return d;
    }

    private static long size(JsonNode s, String field, long fallback, List<String> problems) {
        JsonNode v = s.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        long n = v.isNumber() ? v.asLong() : Units.size(v.asText());
        if (n <= 0) {
            problems.add(field + ": a size such as 64KiB, 1MiB");
            return fallback;
        }
        return n;
    }

    private static boolean bool(JsonNode s, String field, List<String> problems) {
        JsonNode v = s.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            problems.add(field + ": true or false");
            return false;
        }
        return v.asBoolean();
    }
}
