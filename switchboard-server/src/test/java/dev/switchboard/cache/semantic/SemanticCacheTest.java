package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cache.CacheKey;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** The lookup's rules on a fake embedder: threshold, partitions by context and guards, word order, long texts. */
class SemanticCacheTest {
    private static final CacheKey CONTEXT = new CacheKey("key:a", "m", "1".repeat(64));
    private static final CacheKey ANSWER = new CacheKey("key:a", "m", "a".repeat(64));

    /** Texts map to fixed vectors; anything else to a far one. */
    private record FakeEmbedder(Map<String, float[]> vectors, boolean busy) implements Embedder {
        @Override
        public CompletableFuture<Embedding> embed(String text) {
            if (busy) {
                return CompletableFuture.failedFuture(new RejectedExecutionException("queue full"));
            }
            float[] v = vectors.getOrDefault(text, new float[] {0, 0, 1});
            return CompletableFuture.completedFuture(new Embedding(Vectors.normalize(v.clone()), text.length() > 40));
        }

        @Override
        public String model() {
            return "fake";
        }

        @Override
        public int dimensions() {
            return 3;
        }

        @Override
        public int maxChars() {
            return 40;
        }

        @Override
        public void close() {}
    }

    private static SemanticCache cache(boolean busy) {
        var vectors = Map.of(
                "how do I center a div", new float[] {1, 0, 0},
                "how can I center a div", new float[] {1, 0.1f, 0},
                "what is 2+2", new float[] {0, 1, 0},
                "what is 2+3", new float[] {0, 1, 0.01f},
                "convert json to yaml", new float[] {1, 1, 0},
                "convert yaml to json", new float[] {1, 1, 0.01f});
        return new SemanticCache(new FakeEmbedder(vectors, busy), new LuceneSemanticIndex(3, 100, 1 << 20));
    }

    private static SemanticCache.Probe lookup(SemanticCache cache, CacheKey context, String text) throws Exception {
        return cache.lookup(new CacheKey.SemanticParts(context, text), SemanticCache.DEFAULT_THRESHOLD).get();
    }

    private static void store(SemanticCache cache, String text) throws Exception {
        assertThat(cache.remember(lookup(cache, CONTEXT, text), ANSWER, Duration.ofMinutes(1))).isTrue();
    }

    @Test
    void aParaphraseInTheSameContextHits() throws Exception {
        try (var cache = cache(false)) {
            assertThat(lookup(cache, CONTEXT, "how can I center a div").hit()).isNull();
            store(cache, "how do I center a div");
            var probe = lookup(cache, CONTEXT, "how can I center a div");
            assertThat(probe.hit().answer()).isEqualTo(ANSWER);
            assertThat(probe.hit().score()).isGreaterThan(0.99f);
            CacheKey otherContext = new CacheKey("key:a", "m", "2".repeat(64));
            assertThat(lookup(cache, otherContext, "how can I center a div").hit()).as("another context").isNull();
        }
    }

    @Test
    void guardsKeepAlikeVectorsApart() throws Exception {
        try (var cache = cache(false)) {
            store(cache, "what is 2+2");
            store(cache, "convert json to yaml");
            assertThat(lookup(cache, CONTEXT, "what is 2+3").hit()).as("other numbers").isNull();
            var swapped = lookup(cache, CONTEXT, "convert yaml to json");
            assertThat(swapped.best()).as("scored, then refused for its word order").isGreaterThan(0.99f);
            assertThat(swapped.hit()).isNull();
        }
    }

    @Test
    void longOrBlankTextsAreNeitherAnsweredNorRemembered() throws Exception {
        try (var cache = cache(false)) {
            var tooLong = lookup(cache, CONTEXT, "x".repeat(41));
            assertThat(tooLong.hit()).isNull();
            assertThat(cache.remember(tooLong, ANSWER, Duration.ofMinutes(1))).isFalse();
            assertThat(cache.remember(lookup(cache, CONTEXT, "  "), ANSWER, Duration.ofMinutes(1))).isFalse();
            assertThat(cache.stats().entries()).isZero();
        }
    }

    @Test
    void aBusyEmbedderFailsTheLookupWhichTheStageTreatsAsAMiss() {
        try (var cache = cache(true)) {
            assertThat(cache.lookup(new CacheKey.SemanticParts(CONTEXT, "hi"), 0.9)).isCompletedExceptionally();
        }
    }
}
