package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.store.CachePurge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index kept in a folder: its entries come back after a close and reopen (only those whose answers outlive the
 * process), expired ones do not, the bounds hold again, changes are committed without a close, and a folder that is
 * damaged or held by another process never stops it (set aside, or kept in memory).
 */
class PersistedSemanticIndexTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    @TempDir
    Path dir;

    private static float[] unit(float... v) {
        return Vectors.normalize(v);
    }

    private static CacheKey key(String ns, String model, int n) {
        return new CacheKey(ns, model, String.format("%064x", n));
    }

    private PersistedSemanticIndex open(long maxEntries, long maxBytes) {
        var index = new PersistedSemanticIndex(dir.resolve("idx"), 3, maxEntries, maxBytes, now::get, Duration.ofMillis(100));
        index.awaitOpen();
        return index;
    }

    @Test
    void entriesWhoseAnswersOutliveTheProcessComeBackAfterAReopen() {
        try (var index = open(100, 1 << 20)) {
            index.add("p", unit(1, 0, 0), "kept", key("key:a", "m", 1), Duration.ofMinutes(1), true);
            index.add("p", unit(0, 1, 0), "in-process answer", key("key:a", "m", 2), Duration.ofMinutes(1), false);
            index.add("q", unit(0, 0, 1), "default", key("key:a", "m", 3), Duration.ofMinutes(1));
            assertThat(index.stats().entries()).isEqualTo(3);
            assertThat(index.onDisk()).isTrue();
        }
        try (var index = open(100, 1 << 20)) {
            assertThat(index.nearest("p", unit(1, 0.1f, 0)).text()).isEqualTo("kept");
            assertThat(index.nearest("p", unit(0, 1, 0)).text()).as("the nearest left").isEqualTo("kept");
            assertThat(index.nearest("q", unit(0, 0, 1))).as("not said to outlive the process").isNull();
            assertThat(index.stats().entries()).isEqualTo(1);
            assertThat(index.stats().bytes()).isEqualTo(LuceneSemanticIndex.entryBytes(3, "kept"));
            assertThat(index.foundUnreadable()).isFalse();
            // what was reopened is still bookkept: a purge finds it, and that too is kept
            assertThat(index.purge(CachePurge.namespace("key:a"))).isEqualTo(1);
        }
        try (var index = open(100, 1 << 20)) {
            assertThat(index.stats().entries()).isZero();
            assertThat(index.nearest("p", unit(1, 0, 0))).isNull();
        }
    }

    @Test
    void expiredEntriesAreDroppedOnReopen() {
        try (var index = open(100, 1 << 20)) {
            index.add("p", unit(1, 0, 0), "short", key("t", "m", 1), Duration.ofSeconds(10), true);
            index.add("p", unit(0, 1, 0), "long", key("t", "m", 2), Duration.ofHours(1), true);
        }
        now.addAndGet(10_000);
        try (var index = open(100, 1 << 20)) {
            assertThat(index.stats().entries()).isEqualTo(1);
            assertThat(index.nearest("p", unit(1, 0, 0)).text()).isEqualTo("long");
        }
        now.addAndGet(3_600_000);
        try (var index = open(100, 1 << 20)) {
            assertThat(index.stats().entries()).isZero();
        }
    }

    @Test
    void theBoundsHoldAfterAReopenOldestFirst() {
        try (var index = open(100, 1 << 20)) {
            for (int i = 1; i <= 10; i++) {
                index.add("p", unit(1, i, 0), "t" + i, key("t", "m", i), Duration.ofMinutes(1), true);
            }
            index.add("p", unit(1, 1, 0), "t1 again", key("t", "m", 1), Duration.ofMinutes(1), true); // now the newest
        }
        try (var index = open(4, 1 << 20)) { // the bound shrank
            assertThat(index.stats().entries()).isEqualTo(4);
            assertThat(index.stats().evictions()).isEqualTo(6);
            assertThat(texts(index)).containsExactlyInAnyOrder("t8", "t9", "t10", "t1 again");
            index.add("p", unit(1, 20, 0), "t11", key("t", "m", 11), Duration.ofMinutes(1), true);
            assertThat(index.stats().entries()).isEqualTo(4);
            assertThat(texts(index)).doesNotContain("t8");
        }
        long two = LuceneSemanticIndex.entryBytes(3, "t11") + LuceneSemanticIndex.entryBytes(3, "t1 again");
        try (var index = open(100, two)) { // now bytes bind
            assertThat(index.stats().entries()).isEqualTo(2);
            assertThat(index.stats().bytes()).isEqualTo(two);
            assertThat(texts(index)).containsExactlyInAnyOrder("t1 again", "t11");
        }
    }

    private static List<String> texts(SemanticIndex index) {
        return Stream.of(1, 8, 9, 10, 11, 20).map(i -> index.nearest("p", unit(1, i, 0)))
                .filter(m -> m != null).map(SemanticIndex.Match::text).distinct().toList();
    }

    @Test
    void changesAreCommittedWithoutAClose() throws Exception {
        try (var index = open(100, 1 << 20)) {
            index.add("p", unit(1, 0, 0), "a", key("t", "m", 1), Duration.ofMinutes(1), true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int committed = 0;
            while (committed == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                try (var fs = FSDirectory.open(dir.resolve("idx"))) {
                    if (DirectoryReader.indexExists(fs)) {
                        try (var reader = DirectoryReader.open(fs)) {
                            committed = reader.numDocs();
                        }
                    }
                }
            }
            assertThat(committed).as("what a crash now would keep").isEqualTo(1);
        }
    }

    @Test
    void anUnreadableFolderIsSetAsideAndTheIndexStartsEmpty() throws IOException {
        try (var index = open(100, 1 << 20)) {
            index.add("p", unit(1, 0, 0), "a", key("t", "m", 1), Duration.ofMinutes(1), true);
        }
        try (Stream<Path> files = Files.list(dir.resolve("idx"))) { // damage every file but the lock
            for (Path f : files.filter(f -> !f.getFileName().toString().equals("write.lock")).toList()) {
                byte[] b = Files.readAllBytes(f);
                for (int i = 0; i < b.length; i += 7) {
                    b[i] ^= 0x5a;
                }
                Files.write(f, b);
            }
        }
        try (var index = open(100, 1 << 20)) {
            assertThat(index.stats().entries()).isZero();
            assertThat(index.foundUnreadable()).isTrue();
            assertThat(index.onDisk()).isTrue();
            assertThat(index.add("p", unit(1, 0, 0), "b", key("t", "m", 2), Duration.ofMinutes(1), true)).isTrue();
            assertThat(index.nearest("p", unit(1, 0, 0)).text()).isEqualTo("b");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .anyMatch(n -> n.startsWith("idx.unreadable-")).contains("idx");
        }
        try (var index = open(100, 1 << 20)) {
            assertThat(index.foundUnreadable()).isFalse();
            assertThat(index.nearest("p", unit(1, 0, 0)).text()).isEqualTo("b");
        }
    }

    @Test
    void garbageWhereTheIndexShouldBeIsSetAsideToo() throws IOException {
        Files.createDirectories(dir.resolve("idx"));
        Files.writeString(dir.resolve("idx").resolve("segments_1"), "not an index");
        try (var index = open(100, 1 << 20)) {
            assertThat(index.foundUnreadable()).isTrue();
            assertThat(index.add("p", unit(1, 0, 0), "b", key("t", "m", 2), Duration.ofMinutes(1), true)).isTrue();
            assertThat(index.nearest("p", unit(1, 0, 0))).isNotNull();
        }
    }

    @Test
    void anIndexOpenedWhileTheFoldersLastOneClosesWaitsForItAndKeepsItsEntries() throws Exception {
        var first = open(100, 1 << 20);
        first.add("p", unit(1, 0, 0), "first", key("t", "m", 1), Duration.ofMinutes(1), true);
        // a reload brought the model back while the retired index is still closing: the new one waits for the folder
        java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
        try (var second = new PersistedSemanticIndex(dir.resolve("idx"), 3, 100, 1 << 20, now::get,
                Duration.ofMillis(100), closed)) {
            Thread.sleep(200);
            first.close();
            closed.complete(null);
            second.awaitOpen();
            assertThat(second.onDisk()).as("the folder, not memory").isTrue();
            assertThat(second.nearest("p", unit(1, 0, 0)).text()).isEqualTo("first");
        }
    }

    @Test
    void aFolderHeldByAnotherIndexLeavesThisOneInMemory() throws IOException {
        try (var first = open(100, 1 << 20)) {
            first.add("p", unit(1, 0, 0), "first", key("t", "m", 1), Duration.ofMinutes(1), true);
            try (var second = open(100, 1 << 20)) {
                assertThat(second.nearest("p", unit(1, 0, 0))).as("in memory, empty").isNull();
                assertThat(second.onDisk()).isFalse();
                assertThat(second.foundUnreadable()).isFalse();
                assertThat(second.add("p", unit(0, 1, 0), "second", key("t", "m", 2), Duration.ofMinutes(1), true)).isTrue();
                assertThat(second.nearest("p", unit(0, 1, 0)).text()).isEqualTo("second");
            }
            assertThat(first.nearest("p", unit(1, 0, 0)).text()).isEqualTo("first");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("idx");
        }
    }

    /** Another JVM holding the folder's write lock (another gateway process on the same data folder). */
    public static final class HoldLock {
        public static void main(String[] args) throws Exception {
            try (var fs = FSDirectory.open(Path.of(args[0]));
                    var writer = new org.apache.lucene.index.IndexWriter(fs, new org.apache.lucene.index.IndexWriterConfig())) {
                writer.commit();
                System.out.println("locked");
                System.out.flush();
                System.in.read(); // until the test closes our stdin or kills us
            }
        }
    }

    @Test
    void aFolderHeldByAnotherProcessLeavesThisOneInMemory() throws Exception {
        Path folder = dir.resolve("idx");
        Files.createDirectories(folder);
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HoldLock.class.getName(), folder.toString())
                .redirectErrorStream(true).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(other.getInputStream()));
            String line;
            while ((line = out.readLine()) != null && !line.equals("locked")) {
                // the child's JVM warnings
            }
            assertThat(line).isEqualTo("locked");
            try (var index = open(100, 1 << 20)) {
                assertThat(index.onDisk()).isFalse();
                assertThat(index.add("p", unit(1, 0, 0), "a", key("t", "m", 1), Duration.ofMinutes(1), true)).isTrue();
                assertThat(index.nearest("p", unit(1, 0, 0)).text()).isEqualTo("a");
            }
        } finally {
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (var index = open(100, 1 << 20)) { // the lock died with its process
            assertThat(index.onDisk()).isTrue();
            assertThat(index.foundUnreadable()).isFalse();
        }
    }

    @Test
    void aFolderThatCannotBeMadeLeavesTheIndexInMemory() throws IOException {
        Files.writeString(dir.resolve("file"), "x");
        try (var index = new PersistedSemanticIndex(dir.resolve("file").resolve("idx"), 3, 100, 1 << 20, now::get,
                Duration.ofMillis(100))) {
            index.awaitOpen();
            assertThat(index.onDisk()).isFalse();
            assertThat(index.add("p", unit(1, 0, 0), "a", key("t", "m", 1), Duration.ofMinutes(1), true)).isTrue();
            assertThat(index.nearest("p", unit(1, 0, 0))).isNotNull();
        }
    }

    @Test
    void aProvidersWideVectorsComeBackToo() {
        float[] v = new float[1536];
        v[7] = 1;
        Path folder = dir.resolve("wide");
        try (var index = new PersistedSemanticIndex(folder, 1536, 100, 1 << 24, now::get, Duration.ofMillis(100))) {
            assertThat(index.add("p", v, "wide", key("t", "m", 1), Duration.ofMinutes(1), true)).isTrue();
        }
        try (var index = new PersistedSemanticIndex(folder, 1536, 100, 1 << 24, now::get, Duration.ofMillis(100))) {
            index.awaitOpen();
            assertThat(index.foundUnreadable()).isFalse();
            assertThat(index.nearest("p", v).text()).isEqualTo("wide");
        }
    }

    @Test
    void eachModelHasItsOwnFolderNamedSafely() {
        Path a = SemanticIndexFolder.of(dir, "openai/text-embedding-3-small", 1536);
        Path b = SemanticIndexFolder.of(dir, "openai_text-embedding-3-small", 1536);
        Path evil = SemanticIndexFolder.of(dir, "../../etc/passwd", 3);
        assertThat(a.getFileName().toString()).startsWith("openai_text-embedding-3-small-1536-");
        assertThat(a).isNotEqualTo(b);
        assertThat(evil.getParent()).isEqualTo(dir);
        assertThat(evil.getFileName().toString()).doesNotContain("/");
    }
}
