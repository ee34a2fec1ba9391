package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.store.CachePurge;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The semantic cache's lookup, for the cache stage: a chat request whose exact key missed is split
 * ({@link CacheKey#semanticParts}) into its context (matched exactly, by hash) and its last user text (compared by
 * meaning); the text is embedded off the caller's thread and the nearest stored text of the same partition is a hit
 * when its cosine similarity reaches the threshold. The hit names the exact key of the stored answer, which the stage
 * then reads from its answer store (an answer gone from the store is a miss).
 *
 * <p>A partition is the context hash, the embedding model and the text's numbers ({@link NumberGuard}), so "what is
 * 2+2" is never compared with "what is 2+3" (and "not" never with its absence, see
 * {@link PolarityGuard}); the nearest text must not be the same words in another order ({@link WordOrderGuard}). A
 * text longer than the model's window is neither answered nor
 * remembered: its cut-off tail could differ; nor is a blank text.
 *
 * <p>Futures complete on the embedder's pool (or at once): callers hop back to their own thread (Vert.x:
 * {@code Future.fromCompletionStage(stage, context)}). They fail only when the embedder refuses work (its queue is
 * full): the caller treats that as a miss.
 */
public final class SemanticCache implements AutoCloseable {
    /**
     * Chosen from the labelled pairs in {@code src/test/resources/semantic/} with the bundled model and the guards:
     * no false hit on any of the three sets, 0.05 above the highest-scoring near miss the guards let through (0.73);
     * paraphrase hits 75 % / 86 % / 70 % (docs/cache-semantic.md, {@code SemanticQualityTest}).
     */
    public static final double DEFAULT_THRESHOLD = 0.78;

    /** The similarity a minimal pair without a name needs (see {@link #matches}). */
    public static final double MINIMAL_PAIR_THRESHOLD = 0.95;

    /** How many nearest entries a lookup weighs: the nearest may fail a rule the next one passes. */
    static final int CANDIDATES = 4;

    private static final HexFormat HEX = HexFormat.of();

    private final Embedder embedder;
    private final SemanticIndex index;

    public SemanticCache(Embedder embedder, SemanticIndex index) {
        this.embedder = embedder;
        this.index = index;
    }

    /**
     * Looks {@code parts} up. The probe holds the hit (null when none reaches {@code threshold}) and what
     * {@link #remember} needs to add the text once its answer is stored, so the text is embedded once.
     */
    public CompletableFuture<Probe> lookup(CacheKey.SemanticParts parts, double threshold) {
        if (parts.text().length() > embedder.maxChars()) {
            // it would be cut, and a cut text is neither answered nor remembered: don't pay a provider's model for
            // it, nor scan a huge text with the guards on the caller's thread (an event loop)
            return CompletableFuture.completedFuture(new Probe("", parts.text(), null, null, Float.NaN));
        }
        if (parts.text().isBlank()) {
            return CompletableFuture.completedFuture(
                    new Probe(partition(parts.context(), parts.text()), parts.text(), null, null, Float.NaN));
        }
        return embedder.embed(parts.text()).thenApply(e -> {
            // on the embedder's thread: the guards scan the whole text (a provider's max_chars may be large)
            String partition = partition(parts.context(), parts.text());
            if (e.truncated()) {
                return new Probe(partition, parts.text(), null, null, Float.NaN);
            }
            List<SemanticIndex.Match> near = index.nearest(partition, e.vector(), CANDIDATES);
            if (near.isEmpty()) {
                return new Probe(partition, parts.text(), e.vector(), null, Float.NaN);
            }
            for (SemanticIndex.Match candidate : near) {
                if (matches(parts.text(), candidate.text(), candidate.score(), threshold)) {
                    return new Probe(partition, parts.text(), e.vector(), candidate, candidate.score());
                }
            }
            return new Probe(partition, parts.text(), e.vector(), null, near.get(0).score());
        });
    }

    /**
     * Whether a stored text answers {@code probe}, given their similarity: at or above {@code threshold}, not the
     * same words in another order ({@link WordOrderGuard}), not asked with another question word
     * ({@link QuestionGuard}), and not a minimal pair ({@link ContrastGuard}) — unless
     * the swap holds no name and the similarity reaches {@link #MINIMAL_PAIR_THRESHOLD} ("Write a haiku" / "Compose
     * a haiku" at 0.98 is one question; "a vegetarian recipe" / "a vegan recipe" at 0.89 is two).
     */
    public static boolean matches(String probe, String stored, float score, double threshold) {
        if (score < threshold || !WordOrderGuard.compatible(probe, stored) || !QuestionGuard.compatible(probe, stored)) {
            return false;
        }
        ContrastGuard.Swap swap = ContrastGuard.swap(probe, stored); // UNALIGNED counts as named: never a match
        return swap == null || (!swap.named() && score >= Math.max(threshold, MINIMAL_PAIR_THRESHOLD));
    }

    /**
     * Adds the probed text, pointing at {@code answer} (the exact key its answer was just stored under), for
     * {@code ttl} (the answer's). False when the probe cannot be remembered (a cut text). Runs on the caller's
     * thread: call it off the event loop (it may refresh or evict in the index, typically well under a millisecond).
     */
    public boolean remember(Probe probe, CacheKey answer, Duration ttl) {
        return remember(probe, answer, ttl, false);
    }

    /** {@link #remember}; {@code durable}: the answer's store outlives this process (see {@link SemanticIndex#add}). */
    public boolean remember(Probe probe, CacheKey answer, Duration ttl, boolean durable) {
        return probe.vector() != null
                && index.add(probe.partition(), probe.vector(), probe.text(), answer, ttl, durable);
    }

    /** Removes index entries in {@code scope}, alongside a purge of the answer store. */
    public long purge(CachePurge scope) {
        return index.purge(scope);
    }

    /** The index, for a feed that adds other instances' entries to it. */
    public SemanticIndex index() {
        return index;
    }

    public SemanticIndex.Stats stats() {
        return index.stats();
    }

    /**
     * Where {@code text} of {@code context} is compared: the context hash, the embedding model, and the text's
     * numbers, units, polarity and calendar words (two texts that differ in them are never compared).
     */
    public String partition(CacheKey context, String text) {
        return context.hash() + ':' + embedder.model() + ':' + HEX.formatHex(sha256(guards(text)));
    }

    /**
     * What two texts must share to be compared: their numbers, units, polarity words, calendar words, named tasks
     * and forms, and language.
     */
    public static String guards(String text) {
        return NumberGuard.signature(text) + '|' + UnitGuard.signature(text) + '|' + PolarityGuard.signature(text)
                + '|' + CalendarGuard.signature(text) + '|' + IntentGuard.signature(text) + '|'
                + LanguageGuard.signature(text);
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        embedder.close();
        index.close();
    }

    /**
     * One lookup's result.
     *
     * @param partition where the text is compared
     * @param text      the text looked up
     * @param vector    its embedding; null when the text was blank or too long to compare
     * @param hit       the stored answer's key and score when at or above the threshold, else null
     * @param best      the nearest entry's score, hit or not (NaN when none): for logs and tuning
     */
    public record Probe(String partition, String text, float[] vector, SemanticIndex.Match hit, float best) {}
}
