package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.store.CachePurge;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LuceneSemanticIndex} kept in a folder so its entries survive a restart: opened on its own thread (reading
 * the entries back takes up to about a second, and the gateway may ask for the index on an event loop), committed
 * there every {@link #COMMIT_EVERY} when something changed, and on close. A crash loses at most that interval's
 * entries. Calls made while it opens wait for it (they run off the event loop); stats read zero until then. How the
 * folder is opened, and what happens when it cannot be: {@link SemanticIndexFolder}.
 */
public final class PersistedSemanticIndex implements SemanticIndex {
    /** How often changes are committed: the most a crash loses, and bounded work per commit. */
    static final Duration COMMIT_EVERY = Duration.ofSeconds(5);
    /** How long a call waits for the folder to open before it gives up (a miss, a skipped add). */
    private static final long OPEN_WAIT_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(PersistedSemanticIndex.class);

    private final ScheduledExecutorService thread;
    private final CompletableFuture<SemanticIndexFolder.Opened> opened = new CompletableFuture<>();

    PersistedSemanticIndex(Path folder, int dimensions, long maxEntries, long maxBytes, LongSupplier clock,
            Duration commitEvery) {
        this(folder, dimensions, maxEntries, maxBytes, clock, commitEvery, CompletableFuture.completedFuture(null));
    }

    /** As above, opening the folder only once {@code after} is done (the folder's previous index let go of it). */
    PersistedSemanticIndex(Path folder, int dimensions, long maxEntries, long maxBytes, LongSupplier clock,
            Duration commitEvery, CompletableFuture<?> after) {
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "semantic-index-commit");
            t.setDaemon(true);
            return t;
        });
        thread.execute(() -> {
            try {
                try {
                    after.get(OPEN_WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // the previous index's close failed or hangs: try the folder anyway (a held lock says so)
                }
                opened.complete(SemanticIndexFolder.open(folder, dimensions, maxEntries, maxBytes, clock));
            } catch (Throwable e) {
                opened.completeExceptionally(e);
            }
        });
        thread.scheduleWithFixedDelay(this::commit, commitEvery.toMillis(), commitEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the index of {@code model}'s vectors under {@code root} (a folder per model, see
     * {@link SemanticIndexFolder#of}), in the background.
     */
    public static PersistedSemanticIndex open(Path root, String model, int dimensions, long maxEntries, long maxBytes) {
        return new PersistedSemanticIndex(SemanticIndexFolder.of(root, model, dimensions), dimensions, maxEntries,
                maxBytes, System::currentTimeMillis, COMMIT_EVERY);
    }

    /** As {@link #open(Path, String, int, long, long)}, once {@code after} is done (the folder's previous index closed). */
    public static PersistedSemanticIndex open(Path root, String model, int dimensions, long maxEntries, long maxBytes,
            CompletableFuture<?> after) {
        return new PersistedSemanticIndex(SemanticIndexFolder.of(root, model, dimensions), dimensions, maxEntries,
                maxBytes, System::currentTimeMillis, COMMIT_EVERY, after);
    }

    /** Waits until the folder is open (for tests and callers that read {@link #onDisk} at once). */
    void awaitOpen() {
        index();
    }

    /** The index once open; null when it could not be opened in time. */
    private LuceneSemanticIndex index() {
        try {
            return opened.get(OPEN_WAIT_SECONDS, TimeUnit.SECONDS).index();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    private void commit() {
        SemanticIndexFolder.Opened o = opened.getNow(null);
        if (o == null || !o.onDisk()) {
            return;
        }
        try {
            o.index().commit();
        } catch (RuntimeException e) { // a full disk: the entries stay in memory, the next commit tries again
            LOG.warn("semantic index commit failed: {}", e.toString());
        }
    }

    @Override
    public java.util.List<Match> nearest(String partition, float[] vector, int k) {
        LuceneSemanticIndex index = index();
        return index == null ? java.util.List.of() : index.nearest(partition, vector, k);
    }

    @Override
    public boolean add(String partition, float[] vector, String text, CacheKey answer, Duration ttl) {
        return add(partition, vector, text, answer, ttl, false);
    }

    @Override
    public boolean add(String partition, float[] vector, String text, CacheKey answer, Duration ttl, boolean durable) {
        LuceneSemanticIndex index = index();
        return index != null && index.add(partition, vector, text, answer, ttl, durable);
    }

    @Override
    public String feedPosition(String feed) {
        LuceneSemanticIndex index = index();
        return index == null ? null : index.feedPosition(feed);
    }

    @Override
    public void feedPosition(String feed, String position) {
        LuceneSemanticIndex index = index();
        if (index != null) {
            index.feedPosition(feed, position);
        }
    }

    @Override
    public long purge(CachePurge scope) {
        LuceneSemanticIndex index = index();
        return index == null ? 0 : index.purge(scope);
    }

    @Override
    public Stats stats() {
        SemanticIndexFolder.Opened o = opened.getNow(null);
        return o == null ? new Stats(0, 0, 0, 0, 0) : o.index().stats();
    }

    /** Whether the index is kept in its folder (false: in memory, or not open yet). */
    public boolean onDisk() {
        SemanticIndexFolder.Opened o = opened.getNow(null);
        return o != null && o.onDisk();
    }

    /** Whether the folder held an index that could not be read (it was renamed aside). */
    public boolean foundUnreadable() {
        SemanticIndexFolder.Opened o = opened.getNow(null);
        return o != null && o.unreadable();
    }

    /** Commits and closes (waiting for the folder to open first, when it still is). */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(OPEN_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SemanticIndexFolder.Opened o = opened.getNow(null);
        if (o != null) {
            o.index().close(); // commits
        }
    }
}
