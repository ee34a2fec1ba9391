package dev.switchboard.store.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.usage.UsageEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A journal left by a crash is replayed when the next ledger starts; a line cut short is quarantined. */
class UsageJournalTest {
    @TempDir
    Path dir;

    @Test
    void journalLeftByACrashIsReplayedAtStartAndDamagedLinesAreQuarantined() throws Exception {
        Path journalFile = dir.resolve("crash.journal");
        Instant at = Instant.parse("2026-02-01T10:00:00Z");
        UsageEvent withCost = UsageEvents.event("j-1", at, "k", "t", "m", 0.125);
        UsageEvent noCost = new UsageEvent(at, "j-2", null, "embeddings", "e", "p", null, false, 429,
                dev.switchboard.usage.Usage.NONE, false, 5, -1, null, UsageEvent.UNKNOWN_COST, "caller-7");
        new UsageJournal(journalFile, new UsageQuarantine(journalFile)).append(List.of(withCost, noCost));
        Files.writeString(journalFile, "{\"at\":1,\"request_id\":\"cut-sh", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        assertThat(UsageEventJson.fromLine(UsageEventJson.toLine(withCost))).isEqualTo(withCost);
        assertThat(UsageEventJson.fromLine(UsageEventJson.toLine(noCost))).isEqualTo(noCost);

        try (Store store = Store.open(StoreSettings.sqlite(dir.resolve("s.db")))) {
            UsageLedger ledger = store.usageLedger(UsageLedgerSettings.defaults(journalFile));
            assertThat(ledger.flush(Duration.ofSeconds(30))).isTrue();
            UsageReport report = store.usage().usage(null, null, UsageGroupBy.MODEL);
            assertThat(report.totals().requests()).isEqualTo(2);
            assertThat(report.totals().costUsd()).isEqualTo(0.125);
            assertThat(journalFile).doesNotExist();
            assertThat(store.usage().usage(null, null, UsageGroupBy.MODEL, null, "caller-7").totals().requests())
                    .isEqualTo(1);
            assertThat(ledger.quarantined()).isEqualTo(1);
            assertThat(Files.readString(ledger.quarantineFile())).contains("cut-sh");
        }
    }

    @Test
    void anEstimatedEventKeepsItsMarkThroughTheJournalIntoTheReport() throws Exception {
        Path journalFile = dir.resolve("estimated.journal");
        Instant at = Instant.parse("2026-02-01T10:00:00Z");
        UsageEvent estimated = new UsageEvent(at, "e-1", "k", "embeddings", "g/e", "g", "e", false, 200,
                new dev.switchboard.usage.Usage(12, 0, 12, 0, 0), false, 5, -1, null, 0.000012, null, true);
        UsageEvent reported = UsageEvents.event("e-2", at, "k", "t", "g/e", 0.5);
        assertThat(UsageEventJson.fromLine(UsageEventJson.toLine(estimated))).isEqualTo(estimated);
        assertThat(UsageEventJson.fromLine(UsageEventJson.toLine(reported)).usageEstimated()).isFalse();
        new UsageJournal(journalFile, new UsageQuarantine(journalFile)).append(List.of(estimated, reported));

        try (Store store = Store.open(StoreSettings.sqlite(dir.resolve("e.db")))) {
            UsageLedger ledger = store.usageLedger(UsageLedgerSettings.defaults(journalFile));
            assertThat(ledger.flush(Duration.ofSeconds(30))).isTrue();
            UsageRow totals = store.usage().usage(null, null, UsageGroupBy.MODEL).totals();
            assertThat(totals.requests()).isEqualTo(2);
            assertThat(totals.estimatedRequests()).isEqualTo(1);
        }
    }

    @Test
    void aCacheHitKeepsItsMarkAndSavedCostThroughTheJournalIntoTheReport() throws Exception {
        Path journalFile = dir.resolve("hits.journal");
        Instant at = Instant.parse("2026-02-01T10:00:00Z");
        dev.switchboard.usage.Usage u = new dev.switchboard.usage.Usage(10, 5, 15, 0, 0);
        UsageEvent hit = new UsageEvent(at, "h-1", "k", "chat", "f/m", null, null, false, 200, u, true, 1, -1, null,
                0.0, null, false, true, 0.000250);
        UsageEvent unpriced = new UsageEvent(at, "h-2", "k", "chat", "f/m", null, null, false, 200, u, true, 1, -1, null,
                0.0, null, false, true, UsageEvent.UNKNOWN_COST);
        UsageEvent upstream = UsageEvents.event("h-3", at, "k", "t", "f/m", 0.5);
        assertThat(UsageEventJson.fromLine(UsageEventJson.toLine(hit))).isEqualTo(hit);
        assertThat(UsageEventJson.fromLine(UsageEventJson.toLine(unpriced)).savedKnown()).isFalse();
        assertThat(UsageEventJson.fromLine(UsageEventJson.toLine(upstream)).cacheHit()).isFalse();
        new UsageJournal(journalFile, new UsageQuarantine(journalFile)).append(List.of(hit, unpriced, upstream));

        try (Store store = Store.open(StoreSettings.sqlite(dir.resolve("h.db")))) {
            UsageLedger ledger = store.usageLedger(UsageLedgerSettings.defaults(journalFile));
            assertThat(ledger.flush(Duration.ofSeconds(30))).isTrue();
            UsageRow totals = store.usage().usage(null, null, UsageGroupBy.MODEL).totals();
            assertThat(totals.requests()).isEqualTo(3);
            assertThat(totals.cacheHits()).isEqualTo(2);
            assertThat(totals.savedUsd()).isEqualTo(0.000250); // an unknown saving adds nothing
            assertThat(totals.costUsd()).isEqualTo(0.5);
        }
    }
}
