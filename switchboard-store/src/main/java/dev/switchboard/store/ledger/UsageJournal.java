package dev.switchboard.store.ledger;

import dev.switchboard.usage.UsageEvent;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Append-only file of usage events (one JSON line each) that could not yet reach the database. The ledger's
 * threads append to it (under this object's lock); a replay first moves it aside ({@code .replay}), so appends
 * never wait for the database and nothing appended during a replay is deleted with it.
 */
final class UsageJournal {
    @FunctionalInterface
    interface BatchSink {
        void write(List<UsageEvent> batch) throws Exception;
    }

    private final Path file;
    private final Path replaying;
    private final UsageQuarantine quarantine;

    UsageJournal(Path file, UsageQuarantine quarantine) {
        this.file = file;
        this.replaying = file.resolveSibling(file.getFileName() + ".replay");
        this.quarantine = quarantine;
    }

    Path file() {
        return file;
    }

    boolean hasData() {
        return nonEmpty(file) || nonEmpty(replaying);
    }

    private static boolean nonEmpty(Path p) {
        try {
            return Files.exists(p) && Files.size(p) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Appends and syncs to disk (one sync for the whole group) so the events survive a crash. */
    synchronized void append(Collection<UsageEvent> events) throws IOException {
        if (events.isEmpty()) {
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        try (FileOutputStream out = new FileOutputStream(file.toFile(), true);
                Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            StringBuilder sb = new StringBuilder();
            for (UsageEvent e : events) {
                sb.append(UsageEventJson.toLine(e)).append('\n');
            }
            w.write(sb.toString());
            w.flush();
            out.getFD().sync();
        }
    }

    /**
     * Feeds the journaled events to the sink in batches, then deletes them. A line that is not an event is
     * quarantined. When the sink fails, the lines not yet taken are kept (rewritten to hold only them) and replayed
     * later; a batch taken twice is harmless (inserts are idempotent on the gateway's request id). Events appended
     * meanwhile wait for the next call ({@link #hasData()}).
     *
     * @return events replayed
     */
    long replay(int batchSize, BatchSink sink) throws Exception {
        synchronized (this) {
            if (!nonEmpty(replaying) && nonEmpty(file)) {
                Files.move(file, replaying, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        if (!nonEmpty(replaying)) {
            Files.deleteIfExists(replaying);
            return 0;
        }
        long count = 0;
        long taken = 0; // lines whose events the sink has accepted (or that were quarantined)
        long read = 0;
        try (BufferedReader r = Files.newBufferedReader(replaying, StandardCharsets.UTF_8)) {
            List<UsageEvent> batch = new ArrayList<>(batchSize);
            String line;
            while ((line = r.readLine()) != null) {
                read++;
                if (!line.isBlank()) {
                    try {
                        batch.add(UsageEventJson.fromLine(line));
                    } catch (IOException | RuntimeException damaged) {
                        quarantine.addDamaged(line);
                    }
                }
                if (batch.size() >= batchSize) {
                    sinkOrKeep(sink, batch, taken);
                    count += batch.size();
                    batch = new ArrayList<>(batchSize);
                    taken = read;
                }
            }
            sinkOrKeep(sink, batch, taken);
            count += batch.size();
        }
        Files.deleteIfExists(replaying);
        return count;
    }

    private void sinkOrKeep(BatchSink sink, List<UsageEvent> batch, long taken) throws Exception {
        try {
            sink.write(batch);
        } catch (Exception e) {
            if (taken > 0) {
                dropFirstLines(taken);
            }
            throw e;
        }
    }

    /** Rewrites the file being replayed without its first lines (already in the database), atomically. */
    private void dropFirstLines(long lines) {
        Path tmp = replaying.resolveSibling(replaying.getFileName() + ".tmp");
        try (BufferedReader r = Files.newBufferedReader(replaying, StandardCharsets.UTF_8);
                FileOutputStream out = new FileOutputStream(tmp.toFile());
                BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8))) {
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                if (n++ >= lines) {
                    w.write(line);
                    w.write('\n');
                }
            }
            w.flush();
            out.getFD().sync();
        } catch (IOException e) {
            return; // keep the whole file: replaying it again is harmless
        }
        try {
            Files.move(tmp, replaying, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the whole journal is kept
            }
        }
    }
}
