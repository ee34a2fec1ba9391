package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CacheKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

/**
 * Latency of the semantic lookup's parts on this machine: embedding one prompt with the bundled model, the index's
 * nearest search among 10,000 entries (one partition, and 100 partitions of 100), and a whole lookup that misses
 * (embed + search). Sequential, one thread, after a warm-up; prints p50/p99/max. Not a test: run it with
 * {@code ./mvnw -o -q -B -pl switchboard-server test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.switchboard.cache.semantic.SemanticLatencyBench}.
 */
public final class SemanticLatencyBench {
    private static final String[] SUBJECTS = {"a black hole", "compound interest", "the water cycle", "a hash table",
        "photosynthesis", "inflation", "recursion", "the French Revolution", "a mortgage", "Kubernetes"};
    private static final String[] FORMS = {"Explain %s in simple terms.", "What is %s?", "Can you tell me about %s?",
        "Give me a short summary of %s for a class.", "Why does %s matter, and how would you teach it to a child?"};

    private SemanticLatencyBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        try (var embedder = new MiniLmEmbedder(1, 16, MiniLmEmbedder.DEFAULT_MAX_CHARS)) {
            String[] prompts = new String[rounds];
            for (int i = 0; i < rounds; i++) {
                prompts[i] = String.format(FORMS[i % FORMS.length], SUBJECTS[(i / FORMS.length) % SUBJECTS.length])
                        + (i >= 50 ? " (" + i + ")" : "");
            }
            for (int i = 0; i < 50; i++) {
                embedder.embed(prompts[i]).get();
            }
            long[] embed = new long[rounds];
            float[][] vectors = new float[rounds][];
            for (int i = 0; i < rounds; i++) {
                long t = System.nanoTime();
                vectors[i] = embedder.embed(prompts[i]).get().vector();
                embed[i] = System.nanoTime() - t;
            }
            report("embed (all-MiniLM-L6-v2, one prompt)", embed);

            Random random = new Random(7);
            for (int partitions : new int[] {1, 100}) {
                try (var index = new LuceneSemanticIndex(embedder.dimensions(), 100_000, 256L << 20)) {
                    for (int i = 0; i < 10_000; i++) {
                        index.add("p" + (i % partitions), randomUnit(random, embedder.dimensions()), "t",
                                new CacheKey("key:bench", "m", String.format("%064x", i)), Duration.ofHours(1));
                    }
                    index.nearest("p0", vectors[0]); // the refresh after the writes
                    long[] search = new long[rounds];
                    for (int i = 0; i < rounds; i++) {
                        long t = System.nanoTime();
                        index.nearest("p" + (i % partitions), vectors[i]);
                        search[i] = System.nanoTime() - t;
                    }
                    report("nearest among 10,000 entries in " + partitions + " partition(s)", search);
                    if (partitions == 1) {
                        var cache = new SemanticCache(embedder, index);
                        CacheKey context = new CacheKey("key:bench", "m", "0".repeat(64));
                        long[] lookup = new long[rounds];
                        for (int i = 0; i < rounds; i++) {
                            long t = System.nanoTime();
                            cache.lookup(new CacheKey.SemanticParts(context, prompts[i]), SemanticCache.DEFAULT_THRESHOLD).get();
                            lookup[i] = System.nanoTime() - t;
                        }
                        report("whole lookup that misses (embed + nearest)", lookup);
                    }
                }
            }
        }
    }

    private static float[] randomUnit(Random random, int dimensions) {
        float[] v = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Vectors.normalize(v);
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%-50s n=%d p50 %.3f ms  p99 %.3f ms  max %.3f ms%n", what, sorted.length,
                sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6,
                sorted[sorted.length - 1] / 1e6);
    }
}
