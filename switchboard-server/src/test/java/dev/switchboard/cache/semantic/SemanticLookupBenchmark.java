package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CacheKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a semantic lookup costs with the bundled model, as the cache stage runs it (embedding on the embedder's pool,
 * the 4 nearest of the partition, the pair rules): a paraphrase that hits, a question that misses (the cost of the
 * cache when it is enabled but does not help), and the guards alone. The index holds 10,000 entries over 100
 * contexts, 100 of them in the probed one. JMH's sample mode gives p50/p99 per lookup.
 * Run (after {@code ./mvnw -o -q -B -pl switchboard-server -am test-compile}):
 * <pre>java --add-modules jdk.incubator.vector -cp switchboard-server/target/test-classes:switchboard-server/target/classes:$(cat /tmp/cp) \
 *     org.openjdk.jmh.Main SemanticLookupBenchmark</pre>
 * with the test classpath in /tmp/cp ({@code dependency:build-classpath -Dmdep.includeScope=test}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class SemanticLookupBenchmark {
    private static final String[] TOPICS = {"reverse a string in Python", "center a div in CSS",
        "make sourdough bread", "learn to play the guitar", "fix a flat bicycle tyre", "write a cover letter",
        "train for a marathon", "grow basil indoors", "set up a VPN at home", "clean a cast iron pan"};

    private SemanticCache cache;
    private CacheKey context;
    private double threshold;

    @Setup(Level.Trial)
    public void fill() throws Exception {
        LuceneSemanticIndex index = new LuceneSemanticIndex(384, 100_000, 256 << 20);
        cache = new SemanticCache(new MiniLmEmbedder(1, 1024, MiniLmEmbedder.DEFAULT_MAX_CHARS), index);
        threshold = SemanticCache.DEFAULT_THRESHOLD;
        context = new CacheKey("key:bench", "m", String.format("%064x", 7));
        java.util.Random random = new java.util.Random(7);
        for (int c = 0; c < 100; c++) {
            CacheKey ctx = new CacheKey("key:bench", "m", String.format("%064x", c));
            for (int i = 0; i < 100; i++) {
                String text = TOPICS[i % TOPICS.length] + " " + i;
                CacheKey answer = new CacheKey("key:bench", "m", String.format("%062x%02x", c, i));
                if (ctx.equals(context)) { // the probed context: real texts, embedded
                    var probe = cache.lookup(new CacheKey.SemanticParts(ctx, "How do I " + text + "?"), threshold)
                            .get();
                    cache.remember(probe, answer, Duration.ofHours(1));
                } else { // the rest of the index: random unit vectors, the hardest case for the graph
                    float[] v = new float[384];
                    for (int d = 0; d < v.length; d++) {
                        v[d] = (float) random.nextGaussian();
                    }
                    index.add(cache.partition(ctx, text), Vectors.normalize(v), text, answer, Duration.ofHours(1));
                }
            }
        }
        var stored = cache.lookup(new CacheKey.SemanticParts(context, "What is the capital of Australia?"), threshold)
                .get();
        cache.remember(stored, new CacheKey("key:bench", "m", "f".repeat(64)), Duration.ofHours(1));
        if (hit() == null) {
            throw new IllegalStateException("the paraphrase should hit");
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        cache.close();
    }

    /** A paraphrase of a stored question: embed, search, rules, hit. */
    @Benchmark
    public SemanticIndex.Match hit() throws Exception {
        return cache.lookup(new CacheKey.SemanticParts(context, "What's the capital city of Australia?"), threshold)
                .get().hit();
    }

    /** Another question in the same context: embed, search, no hit. What an enabled cache costs when it misses. */
    @Benchmark
    public Object miss() throws Exception {
        return cache.lookup(new CacheKey.SemanticParts(context, "Which river is the longest in South America?"),
                threshold).get().hit();
    }

    /** The partition guards and the pair rules alone, no embedding. */
    @Benchmark
    public boolean rules() {
        String a = "How do I make a pivot table in Excel?";
        String b = "How can I create a pivot table in Excel quickly?";
        return SemanticCache.guards(a).equals(SemanticCache.guards(b)) && SemanticCache.matches(b, a, 0.9f, threshold);
    }
}
