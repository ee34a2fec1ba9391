package dev.switchboard.store.ledger;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the usage ledger batches and survives outages.
 *
 * @param journalFile append-only file where events spill (every flush interval) while the database is unreachable,
 *                    or when the backlog passes {@code highWaterMark}; replayed when the database returns (and at
 *                    startup). Rows the database refuses go to the same path plus {@code .quarantine}.
 * @param batchSize most events per insert transaction
 * @param flushInterval longest an event waits in memory before a write is attempted
 * @param highWaterMark events held in memory (database slower than the traffic) before spilling to the journal
 * @param maxBackoff longest pause between retries while the database is unreachable
 */
public record UsageLedgerSettings(Path journalFile, int batchSize, Duration flushInterval, int highWaterMark,
        Duration maxBackoff) {

    public UsageLedgerSettings {
        if (journalFile == null) {
            throw new IllegalArgumentException("usage journal file is required");
        }
        batchSize = batchSize < 1 ? 500 : batchSize;
        flushInterval = flushInterval == null ? Duration.ofMillis(200) : flushInterval;
        highWaterMark = Math.max(highWaterMark, batchSize);
        maxBackoff = maxBackoff == null ? Duration.ofSeconds(10) : maxBackoff;
    }

    /** 500 per batch, every 200 ms, 100,000 in memory, retries up to every 10 s. */
    public static UsageLedgerSettings defaults(Path journalFile) {
        return new UsageLedgerSettings(journalFile, 500, Duration.ofMillis(200), 100_000, Duration.ofSeconds(10));
    }
}
