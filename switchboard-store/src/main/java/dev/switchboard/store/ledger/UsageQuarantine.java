package dev.switchboard.store.ledger;

import dev.switchboard.store.dialect.SqlFailures;
import dev.switchboard.usage.UsageEvent;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where usage rows the database keeps refusing go (a file next to the journal, one JSON line each, or the raw text
 * of a journal line that could not be read), so one bad row never blocks the rows after it. Logged once, counted.
 * Only the ledger's writer thread writes here.
 */
final class UsageQuarantine {
    private static final Logger LOG = LoggerFactory.getLogger(UsageQuarantine.class);

    private static final int REMEMBERED = 4096;

    private final Path file;
    private final AtomicLong count = new AtomicLong();
    /** Recently quarantined rows, so one replayed twice (a batch journaled while stuck) is kept once. */
    private final java.util.Set<String> recent = java.util.Collections.newSetFromMap(
            new java.util.LinkedHashMap<>(64, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            });

    UsageQuarantine(Path journalFile) {
        this.file = journalFile.resolveSibling(journalFile.getFileName() + ".quarantine");
    }

    Path file() {
        return file;
    }

    long count() {
        return count.get();
    }

    void add(UsageEvent event, Throwable why) {
        if (recent.add("row " + event.requestId())) {
            put(UsageEventJson.toLine(event), SqlFailures.describe(why));
        }
    }

    /** A journal line that is not a usage event (e.g. cut short by a crash). */
    void addDamaged(String line) {
        if (recent.add("line " + line.length() + ":" + line.hashCode())) {
            put(line, "unreadable journal line");
        }
    }

    private void put(String line, String why) {
        if (count.incrementAndGet() == 1) {
            LOG.error("usage ledger: a row the database refuses ({}) was moved to {}; later ones go there too "
                    + "(see the ledger's quarantined count)", why, file);
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
                out.write((line.replace("\n", "\\n").replace("\r", "\\r") + "\n").getBytes(StandardCharsets.UTF_8));
                out.getFD().sync();
            }
        } catch (IOException e) {
            LOG.error("cannot write usage quarantine {}: {}; the row is dropped", file, e.toString());
        }
    }
}
