package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.store.CachePurge;
import java.time.Duration;

/**
 * Where the semantic cache finds a stored answer by meaning: vectors of past requests' last user texts, each pointing
 * at the exact {@link CacheKey} its answer is stored under. Vectors are only compared within one partition (see
 * {@link SemanticCache#partition}): the same namespace, model and everything else of the request (the context hash),
 * and the same numbers. Bounded in entries and bytes; every entry expires with its answer's TTL. Calls may take
 * milliseconds (a refresh after writes, a graph search): call them off the event loop. Thread-safe.
 */
public interface SemanticIndex extends AutoCloseable {
    /** The nearest live entry of {@code partition} to {@code vector} (a unit vector), or null when it has none. */
    default Match nearest(String partition, float[] vector) {
        java.util.List<Match> near = nearest(partition, vector, 1);
        return near.isEmpty() ? null : near.get(0);
    }

    /**
     * The {@code k} nearest live entries of {@code partition} to {@code vector}, nearest first (fewer when the
     * partition holds fewer): a cache that rejects the nearest by a rule a vector cannot apply looks at the next.
     */
    java.util.List<Match> nearest(String partition, float[] vector, int k);

    /**
     * Adds {@code vector} of {@code text} in {@code partition}, pointing at {@code answer}, for {@code ttl}; an entry
     * for the same answer key is replaced. The text is kept for checks a vector cannot make (word order). False
     * when refused (a TTL under 1 ms, a vector of the wrong size).
     */
    boolean add(String partition, float[] vector, String text, CacheKey answer, Duration ttl);

    /**
     * {@link #add}, saying whether {@code answer} lives in a store that outlives this process (Redis): an index kept
     * in a folder takes only those entries back after a restart (the others would point at answers gone with the
     * process). An index that is not kept ignores it.
     */
    default boolean add(String partition, float[] vector, String text, CacheKey answer, Duration ttl, boolean durable) {
        return add(partition, vector, text, answer, ttl);
    }

    /**
     * Where a feed ({@link RedisSemanticFeed}) got to in its stream, saved with the entries it brought (an index kept
     * in a folder commits both together), so a restart resumes there instead of replaying the stream; null when
     * unknown (replay from the start).
     */
    default String feedPosition(String feed) {
        return null;
    }

    /** Records {@link #feedPosition(String)}; an index that is not kept may ignore it. */
    default void feedPosition(String feed, String position) {
    }

    /** Removes the entries in {@code scope} (by the answer key's namespace or model); how many. */
    long purge(CachePurge scope);

    /** Counts and sizes. */
    Stats stats();

    @Override
    void close();

    /**
     * @param answer the exact key the answer is stored under
     * @param text   the text the entry was added with
     * @param score  cosine similarity, -1..1 (1: the same direction)
     */
    record Match(CacheKey answer, String text, float score) {}

    record Stats(long entries, long bytes, long adds, long evictions, long expiries) {}
}
