package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cache.CacheKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The semantic cache's measured quality with the bundled model, on the hand-labelled pairs in
 * {@code semantic/pairs.tsv}: paraphrases that should hit, near misses (another number, a negation or opposite,
 * another entity, language, unit, date, intent) that must not. Prints the hit and false-hit rates over a range of
 * thresholds, with and without the number guard, and asserts the default threshold keeps its measured quality.
 * Run: {@code ./mvnw -o -B -ntp -pl switchboard-server -am verify -Dtest=SemanticQualityTest
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
class SemanticQualityTest {
    /**
     * The targets: at the default threshold, at most 1 % false hits on every set and at least 70 % paraphrase hits on
     * {@code pairs.tsv} (measured 75 %; 86 % on the held-out pairs, 70 % on the blind ones: docs/cache-semantic.md).
     * The blind set's paraphrases are terser ("python get todays date"); a regression below 68 % there fails.
     */
    private static final double MIN_PARAPHRASE_HITS = 0.70;
    private static final double MIN_BLIND_PARAPHRASE_HITS = 0.68;
    private static final double MAX_FALSE_HITS = 0.01;

    /** A labelled pair and what the guards say of it. */
    record Pair(String a, String b, boolean shouldHit, String kind, float score, boolean sameNumbers,
            boolean guardsPass) {}

    enum Guard { NONE, NUMBERS, ALL }

    private static MiniLmEmbedder embedder;
    private static List<Pair> pairs;
    private static List<Pair> holdout;
    private static List<Pair> blind;
    private static long[] latenciesNanos;

    @BeforeAll
    static void embedAll() throws Exception {
        embedder = new MiniLmEmbedder(1, 1024, MiniLmEmbedder.DEFAULT_MAX_CHARS);
        List<String[]> main = read("/semantic/pairs.tsv");
        List<String[]> held = read("/semantic/pairs-holdout.tsv");
        List<String[]> unseen = read("/semantic/pairs-blind.tsv");
        List<String[]> rows = new ArrayList<>(main);
        rows.addAll(held);
        rows.addAll(unseen);
        embedder.embed("warm up the model").get(); // loads it
        for (int i = 0; i < 20; i++) {
            embedder.embed("warm up the model, round " + i).get();
        }
        Map<String, float[]> vectors = new HashMap<>();
        List<Long> latencies = new ArrayList<>();
        for (String[] row : rows) {
            for (String text : List.of(row[0], row[1])) {
                if (!vectors.containsKey(text)) {
                    long start = System.nanoTime();
                    vectors.put(text, embedder.embed(text).get().vector());
                    latencies.add(System.nanoTime() - start);
                }
            }
        }
        latenciesNanos = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        pairs = label(main, vectors);
        holdout = label(held, vectors);
        blind = label(unseen, vectors);
    }

    private static List<Pair> label(List<String[]> rows, Map<String, float[]> vectors) {
        List<Pair> out = new ArrayList<>();
        for (String[] row : rows) {
            float score = Vectors.dot(vectors.get(row[0]), vectors.get(row[1]));
            boolean same = NumberGuard.signature(row[0]).equals(NumberGuard.signature(row[1]));
            boolean all = SemanticCache.guards(row[0]).equals(SemanticCache.guards(row[1]));
            out.add(new Pair(row[0], row[1], Boolean.parseBoolean(row[2]), row[3], score, same, all));
        }
        return out;
    }

    private static List<String[]> read(String resource) throws java.io.IOException {
        List<String[]> rows = new ArrayList<>();
        try (var in = new BufferedReader(new InputStreamReader(
                SemanticQualityTest.class.getResourceAsStream(resource), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    rows.add(line.split("\t"));
                }
            }
        }
        return rows;
    }

    /** Whether {@code p.b} hits {@code p.a}'s entry: the partition guards, then the cache's own pair rule. */
    private static boolean hits(Pair p, double threshold, Guard guard) {
        return switch (guard) {
            case NONE -> p.score() >= threshold;
            case NUMBERS -> p.sameNumbers() && p.score() >= threshold;
            case ALL -> p.guardsPass() && SemanticCache.matches(p.b(), p.a(), p.score(), threshold);
        };
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    /** Paraphrase hit rate and false-hit rate at {@code threshold}. */
    private static double[] rates(List<Pair> set, double threshold, Guard guard) {
        int para = 0, paraHits = 0, near = 0, falseHits = 0;
        for (Pair p : set) {
            boolean hit = hits(p, threshold, guard);
            if (p.shouldHit()) {
                para++;
                paraHits += hit ? 1 : 0;
            } else {
                near++;
                falseHits += hit ? 1 : 0;
            }
        }
        return new double[] {(double) paraHits / para, (double) falseHits / near};
    }

    @Test
    void theSetIsLargeAndVaried() {
        assertThat(pairs).hasSizeGreaterThanOrEqualTo(200);
        Map<String, Long> kinds = new TreeMap<>();
        pairs.forEach(p -> kinds.merge(p.kind(), 1L, Long::sum));
        System.out.println("[semantic] pairs by kind: " + kinds);
        assertThat(kinds.keySet()).contains("paraphrase", "number", "negation", "entity", "language", "unit", "date");
    }

    @Test
    void defaultThresholdMeetsTheTargets() {
        table("pairs.tsv", pairs);
        table("pairs-holdout.tsv", holdout);
        table("pairs-blind.tsv", blind);
        double threshold = SemanticCache.DEFAULT_THRESHOLD;
        Map<String, int[]> byKind = new TreeMap<>();
        List<Pair> both = new ArrayList<>(pairs);
        both.addAll(holdout);
        both.addAll(blind);
        for (Pair p : both) {
            boolean hit = hits(p, threshold, Guard.ALL);
            int[] c = byKind.computeIfAbsent(p.kind(), k -> new int[2]);
            c[0]++;
            c[1] += hit ? 1 : 0;
            if (hit != p.shouldHit()) {
                System.out.printf("[semantic] %s %s %.3f: %s | %s%n", p.shouldHit() ? "MISSED" : "FALSE HIT",
                        p.kind(), p.score(), p.a(), p.b());
            }
        }
        byKind.forEach((k, c) -> System.out.printf("[semantic] at %.2f %s: %d of %d hit%n", threshold, k, c[1], c[0]));
        System.out.printf("[semantic] embed latency over %d texts: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                latenciesNanos.length, pct(0.50), pct(0.99), latenciesNanos[latenciesNanos.length - 1] / 1e6);

        double[] atDefault = rates(pairs, threshold, Guard.ALL);
        double[] held = rates(holdout, threshold, Guard.ALL);
        double[] unseen = rates(blind, threshold, Guard.ALL);
        System.out.printf("[semantic] default %.2f, all guards: pairs.tsv paraphrase hits %.1f%%, false hits %.1f%%;"
                + " pairs-holdout.tsv %.1f%% / %.1f%%; pairs-blind.tsv %.1f%% / %.1f%%%n",
                threshold, 100 * atDefault[0], 100 * atDefault[1], 100 * held[0], 100 * held[1], 100 * unseen[0],
                100 * unseen[1]);
        assertThat(atDefault[1]).as("false-hit rate").isLessThanOrEqualTo(MAX_FALSE_HITS);
        assertThat(held[1]).as("false-hit rate on the held-out pairs").isLessThanOrEqualTo(MAX_FALSE_HITS);
        assertThat(unseen[1]).as("false-hit rate on the blind pairs").isLessThanOrEqualTo(MAX_FALSE_HITS);
        assertThat(atDefault[0]).as("paraphrase hit rate").isGreaterThanOrEqualTo(MIN_PARAPHRASE_HITS);
        assertThat(unseen[0]).as("paraphrase hit rate on the blind pairs")
                .isGreaterThanOrEqualTo(MIN_BLIND_PARAPHRASE_HITS);
    }

    private static void table(String name, List<Pair> set) {
        System.out.printf("[semantic] %s (%d pairs): threshold | paraphrase hits / false hits: no guard |"
                + " numbers | all guards and pair rules%n", name, set.size());
        for (int t = 70; t <= 98; t++) {
            double[] n = rates(set, t / 100.0, Guard.NONE);
            double[] g = rates(set, t / 100.0, Guard.NUMBERS);
            double[] a = rates(set, t / 100.0, Guard.ALL);
            System.out.printf("[semantic] %.2f | %5.1f%% %5.1f%% | %5.1f%% %5.1f%% | %5.1f%% %5.1f%%%n", t / 100.0,
                    100 * n[0], 100 * n[1], 100 * g[0], 100 * g[1], 100 * a[0], 100 * a[1]);
        }
    }

    /** The same decisions through the real lookup path: Lucene's HNSW index and the cache's partitions. */
    @Test
    void theIndexFindsWhatThePairsPredict() throws Exception {
        try (var index = new LuceneSemanticIndex(embedder.dimensions(), 10_000, 64 << 20);
                var cache = new SemanticCache(new Unclosable(embedder), index)) {
            int agree = 0;
            for (int i = 0; i < pairs.size(); i++) {
                Pair p = pairs.get(i);
                // each pair in its own conversation context, as two tenants' or two system prompts' requests are
                CacheKey context = new CacheKey("key:test", "m", String.format("%064x", i));
                CacheKey answer = new CacheKey("key:test", "m", String.format("%063x", i) + "a");
                var stored = cache.lookup(new CacheKey.SemanticParts(context, p.a()), SemanticCache.DEFAULT_THRESHOLD)
                        .get();
                assertThat(cache.remember(stored, answer, Duration.ofMinutes(5))).isTrue();
                var probe = cache.lookup(new CacheKey.SemanticParts(context, p.b()), SemanticCache.DEFAULT_THRESHOLD)
                        .get();
                boolean predicted = hits(p, SemanticCache.DEFAULT_THRESHOLD, Guard.ALL);
                if ((probe.hit() != null) == predicted) {
                    agree++;
                }
                if (probe.hit() != null) {
                    assertThat(probe.hit().answer()).isEqualTo(answer);
                }
            }
            assertThat(agree).as("index decisions that match the pairwise ones").isEqualTo(pairs.size());
        }
    }

    private static double pct(double q) {
        return latenciesNanos[(int) Math.min(latenciesNanos.length - 1, Math.floor(q * latenciesNanos.length))] / 1e6;
    }

    /** Shares the test's embedder with a cache that would close it. */
    private record Unclosable(Embedder inner) implements Embedder {
        @Override
        public java.util.concurrent.CompletableFuture<Embedding> embed(String text) {
            return inner.embed(text);
        }

        @Override
        public String model() {
            return inner.model();
        }

        @Override
        public int dimensions() {
            return inner.dimensions();
        }

        @Override
        public int maxChars() {
            return inner.maxChars();
        }

        @Override
        public void close() {}
    }

}
