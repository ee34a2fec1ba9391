package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CacheKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/**
 * What keeping the index in a folder costs: filling it with N random 384-dimension entries (100 partitions), one
 * commit of them, closing, and reopening (reading every entry back, checking every file). Run with the classpath of
 * docs/cache-semantic.md: {@code java -cp ... dev.switchboard.cache.semantic.SemanticIndexReopenBench 100000}.
 */
public final class SemanticIndexReopenBench {
    private SemanticIndexReopenBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dims = 384;
        Path root = Files.createTempDirectory("semantic-reopen");
        Path folder = root.resolve("idx");
        Random random = new Random(42);
        long t0 = System.nanoTime();
        try (var index = new PersistedSemanticIndex(folder, dims, n, 1L << 40, System::currentTimeMillis,
                Duration.ofHours(1))) {
            index.awaitOpen();
            for (int i = 0; i < n; i++) {
                float[] v = new float[dims];
                for (int d = 0; d < dims; d++) {
                    v[d] = (float) random.nextGaussian();
                }
                index.add("p" + (i % 100), Vectors.normalize(v), "question number " + i,
                        new CacheKey("key:a", "m", String.format("%064x", i)), Duration.ofHours(1), true);
            }
            long added = System.nanoTime();
            System.out.printf("[reopen] %d adds: %d ms%n", n, (added - t0) / 1_000_000);
            long c0 = System.nanoTime();
            boolean ok = ((LuceneSemanticIndex) field(index)).commit();
            System.out.printf("[reopen] commit of %d entries: %d ms (%s)%n", n, (System.nanoTime() - c0) / 1_000_000, ok);
        }
        long size;
        try (var files = Files.walk(folder)) {
            size = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        System.out.printf("[reopen] folder: %.1f MiB%n", size / 1048576.0);
        for (int round = 0; round < 3; round++) {
            long r0 = System.nanoTime();
            try (var index = new PersistedSemanticIndex(folder, dims, n, 1L << 40, System::currentTimeMillis,
                    Duration.ofHours(1))) {
                index.awaitOpen();
                System.out.printf("[reopen] reopen with %d entries: %d ms%n", index.stats().entries(),
                        (System.nanoTime() - r0) / 1_000_000);
            }
        }
    }

    private static Object field(PersistedSemanticIndex index) throws Exception {
        var f = PersistedSemanticIndex.class.getDeclaredField("opened");
        f.setAccessible(true);
        return ((java.util.concurrent.CompletableFuture<?>) f.get(index)).get() instanceof SemanticIndexFolder.Opened o
                ? o.index() : null;
    }
}
