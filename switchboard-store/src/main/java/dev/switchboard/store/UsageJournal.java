package dev.switchboard.store;

import dev.switchboard.usage.UsageEvent;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only file of usage events (one JSON line each) that could not yet reach the database. Only the
 * ledger's writer thread touches it.
 */
final class UsageJournal {
    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);

    @FunctionalInterface
    interface BatchSink {
        void write(List<UsageEvent> batch) throws Exception;
    }

    private final Path file;

    UsageJournal(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    boolean hasData() {
        try {
            return Files.exists(file) && Files.size(file) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Appends and syncs to disk so the events survive a crash. */
    void append(Collection<UsageEvent> events) throws IOException {
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
     * Feeds every journaled event to the sink in batches, then deletes the file. When the sink fails the file is
     * kept whole and replayed again later (inserts are idempotent on request id).
     *
     * @return events replayed
     */
    long replay(int batchSize, BatchSink sink) throws Exception {
        if (!hasData()) {
            return 0;
        }
        long count = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<UsageEvent> batch = new ArrayList<>(batchSize);
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    batch.add(UsageEventJson.fromLine(line));
                } catch (IOException damaged) {
                    LOG.warn("skipping a damaged line in usage journal {}", file);
                    continue;
                }
                if (batch.size() >= batchSize) {
                    sink.write(batch);
                    count += batch.size();
                    batch = new ArrayList<>(batchSize);
                }
            }
            sink.write(batch);
            count += batch.size();
        }
        Files.deleteIfExists(file);
        return count;
    }
}
