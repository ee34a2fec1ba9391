package dev.switchboard.cache.semantic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a {@link LuceneSemanticIndex} in a folder, never failing the gateway for it: a folder another process holds
 * (Lucene's write lock: two gateways on one data folder) leaves this one in memory, with a warning; a folder that
 * cannot be read (corrupt, another Lucene version, truncated) is renamed aside ({@code <folder>.unreadable-<millis>},
 * kept for a look, safe to delete) and the index starts empty in a fresh one; a folder that cannot be made at all
 * leaves the index in memory.
 */
final class SemanticIndexFolder {
    private static final Logger LOG = LoggerFactory.getLogger(SemanticIndexFolder.class);

    /**
     * @param onDisk     whether the index is kept in the folder (else in memory)
     * @param unreadable whether the folder held an index that could not be read (renamed aside, or left alone)
     */
    record Opened(LuceneSemanticIndex index, boolean onDisk, boolean unreadable) {}

    private SemanticIndexFolder() {}

    /**
     * The folder of one embedding model's index under {@code root}: vectors of another model (or size) are never
     * mixed in. The model's name is kept readable but reduced to safe characters; a hash keeps two names apart.
     */
    static Path of(Path root, String model, int dimensions) {
        String safe = model.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
        safe = safe.substring(0, Math.min(safe.length(), 48));
        String hash = HexFormat.of().formatHex(sha256(model)).substring(0, 8);
        return root.resolve(safe + "-" + dimensions + "-" + hash);
    }

    static Opened open(Path folder, int dimensions, long maxEntries, long maxBytes, LongSupplier clock) {
        try {
            Files.createDirectories(folder);
        } catch (IOException | RuntimeException e) {
            LOG.warn("semantic index folder {} cannot be made ({}): the index is kept in memory", folder, e.toString());
            return memory(dimensions, maxEntries, maxBytes, clock, false);
        }
        try {
            return new Opened(inFolder(folder, dimensions, maxEntries, maxBytes, clock), true, false);
        } catch (LockObtainFailedException e) {
            LOG.warn("semantic index folder {} is in use by another gateway (its write lock is held): this one keeps "
                    + "its semantic index in memory", folder);
            return memory(dimensions, maxEntries, maxBytes, clock, false);
        } catch (IOException | RuntimeException e) {
            Path aside = folder.resolveSibling(folder.getFileName() + ".unreadable-" + System.currentTimeMillis());
            try {
                Files.move(folder, aside);
                Files.createDirectories(folder);
                LOG.warn("semantic index folder {} could not be read ({}): moved to {}, starting empty", folder,
                        e.toString(), aside.getFileName());
                return new Opened(inFolder(folder, dimensions, maxEntries, maxBytes, clock), true, true);
            } catch (IOException | RuntimeException again) {
                LOG.warn("semantic index folder {} could not be read ({}) nor set aside ({}): the index is kept in "
                        + "memory", folder, e.toString(), again.toString());
                return memory(dimensions, maxEntries, maxBytes, clock, true);
            }
        }
    }

    private static LuceneSemanticIndex inFolder(Path folder, int dimensions, long maxEntries, long maxBytes,
            LongSupplier clock) throws IOException {
        try {
            return new LuceneSemanticIndex(FSDirectory.open(folder), dimensions, maxEntries, maxBytes, clock);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Opened memory(int dimensions, long maxEntries, long maxBytes, LongSupplier clock, boolean unreadable) {
        return new Opened(new LuceneSemanticIndex(dimensions, maxEntries, maxBytes, clock), false, unreadable);
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
