package dev.switchboard.cache.stage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.cache.semantic.ProviderEmbedder;
import dev.switchboard.config.Units;
import dev.switchboard.error.NearMiss;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code semantic: { embedder: { model: openai/text-embedding-3-small, … } }}: the semantic cache embeds with a
 * model behind a configured provider instead of the bundled one. Checked field by field.
 *
 * @param model          the public model name a client would send to {@code /v1/embeddings}: {@code provider/model},
 *                       a model alias or a route
 * @param dimensions     the length of its vectors (from {@code dimensions:}, or known for OpenAI's models)
 * @param sendDimensions {@code dimensions:} was given: it is sent in the request (OpenAI's text-embedding-3 models
 *                       shorten their vectors to it)
 */
record EmbedderSettings(String model, int dimensions, boolean sendDimensions, ProviderEmbedder.Tuning tuning) {
    static final Set<String> FIELDS = Set.of("model", "dimensions", "timeout", "max_chars", "concurrency", "queue");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** About 2,000 tokens: far below the 8,191 of OpenAI's models, and the last user message rarely needs more. */
    static final int DEFAULT_MAX_CHARS = 8000;
    static final int DEFAULT_CONCURRENCY = 16;
    static final int DEFAULT_QUEUE = 64;
    /** The semantic index holds vectors up to this long (LuceneSemanticIndex). */
    private static final int MAX_DIMENSIONS = 4096;
    /** The vector lengths of models whose names say what they are. */
    private static final Map<String, Integer> KNOWN = Map.of("text-embedding-3-small", 1536,
            "text-embedding-3-large", 3072, "text-embedding-ada-002", 1536);

    /** Where the index of these vectors is kept: one per model and vector length, whatever the tunables. */
    String indexId() {
        return model + "|" + dimensions + "|" + sendDimensions;
    }

    /** The settings, or null when absent or wrong (each problem added, prefixed with its path). */
    static EmbedderSettings read(JsonNode n, List<String> problems) {
        if (n == null || n.isNull()) {
            return null;
        }
        String path = "semantic.embedder";
        if (!n.isObject()) {
            problems.add(path + ": a mapping, e.g. { model: openai/text-embedding-3-small }");
            return null;
        }
        int before = problems.size();
        n.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                problems.add(path + ": unknown setting '" + f + "'" + NearMiss.hint(f, FIELDS));
            }
        });
        JsonNode m = n.get("model");
        String model = m != null && m.isTextual() ? m.asText().strip() : null;
        if (model == null || model.isEmpty() || model.length() > 256) {
            problems.add(path + ".model: required, the name a client sends to /v1/embeddings (e.g. openai/text-embedding-3-small, or a route)");
        }
        Integer dims = whole(n, "dimensions", 1, MAX_DIMENSIONS, path, problems);
        if (dims == null && model != null && !n.has("dimensions")) {
            dims = KNOWN.get(model.substring(model.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT));
            if (dims == null) {
                problems.add(path + ".dimensions: required for '" + model + "' (the length of its vectors, e.g. 768)");
            }
        }
        Duration timeout = DEFAULT_TIMEOUT;
        JsonNode t = n.get("timeout");
        if (t != null && !t.isNull()) {
            timeout = t.isTextual() ? Units.duration(t.asText()) : null;
            if (timeout == null || timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
                problems.add(path + ".timeout: a duration such as 500ms or 2s, at most 1m (a lookup waits for it)");
            }
        }
        Integer maxChars = whole(n, "max_chars", 1, 1 << 20, path, problems);
        Integer concurrency = whole(n, "concurrency", 1, 4096, path, problems);
        Integer queue = whole(n, "queue", 0, 1 << 16, path, problems);
        if (problems.size() > before) {
            return null;
        }
        return new EmbedderSettings(model, dims, n.has("dimensions"), new ProviderEmbedder.Tuning(timeout,
                maxChars == null ? DEFAULT_MAX_CHARS : maxChars, concurrency == null ? DEFAULT_CONCURRENCY : concurrency,
                queue == null ? DEFAULT_QUEUE : queue));
    }

    /** A whole number from {@code min} to {@code max}, or null when absent (a problem when wrong). */
    private static Integer whole(JsonNode n, String field, int min, int max, String path, List<String> problems) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            problems.add(path + "." + field + ": a whole number from " + min + " to " + max);
            return null;
        }
        return v.asInt();
    }
}
