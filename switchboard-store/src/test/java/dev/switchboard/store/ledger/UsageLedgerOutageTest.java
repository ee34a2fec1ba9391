package dev.switchboard.store.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage ledger keeps every event through a real PostgreSQL outage (server stopped, then restarted), and while
 * the database is down the events are on disk within about a flush interval, not only in memory.
 */
class UsageLedgerOutageTest {
    @TempDir
    static Path dir;
    private static int port;
    private static EmbeddedPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        pg = start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    /** A test that failed mid-outage leaves the database stopped; the next one needs it. */
    @AfterEach
    void restartIfStopped() throws Exception {
        if (pg == null) {
            pg = start();
        }
    }

    /** Same data directory and port each time, so a restart is the same database coming back. */
    private static EmbeddedPostgres start() throws Exception {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(dir.resolve("pgdata"))
                .setCleanDataDirectory(false).start();
    }

    private static StoreSettings settings() {
        return new StoreSettings("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "postgres", 2);
    }

    private static UsageLedgerSettings ledgerSettings(Path journal) {
        return new UsageLedgerSettings(journal, 50, Duration.ofMillis(50), 200, Duration.ofMillis(300));
    }

    @Test
    void nothingIsLostWhileTheDatabaseIsDownAndTheBacklogSpillsToTheJournal() throws Exception {
        Path journal = dir.resolve("outage.journal");
        try (Store store = Store.open(settings())) {
            UsageLedger ledger = store.usageLedger(ledgerSettings(journal));
            for (int i = 0; i < 100; i++) {
                ledger.record(UsageEvents.event("before-" + i, Instant.now(), "k", "t", "m", 0.01));
            }
            assertThat(ledger.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(count(store, "before-%")).isEqualTo(100);

            pg.close();
            pg = null;
            for (int i = 0; i < 1000; i++) {
                ledger.record(UsageEvents.event("during-" + i, Instant.now(), "k", "t", "m", 0.01));
            }
            awaitTrue(ledger::databaseDown);
            awaitTrue(() -> journaled(journal) && ledger.inMemory() == 0);
            assertThat(ledger.flush(Duration.ofMillis(200))).isFalse();

            pg = start();
            assertThat(ledger.flush(Duration.ofSeconds(60))).isTrue();
            assertThat(count(store, "during-%")).isEqualTo(1000);
            assertThat(count(store, "before-%") + count(store, "during-%")).isEqualTo(1100);
            assertThat(journal).doesNotExist();
            assertThat(ledger.databaseDown()).isFalse();

            // a short outage goes to the journal too: memory holds only what the last interval brought
            pg.close();
            pg = null;
            for (int i = 0; i < 100; i++) {
                ledger.record(UsageEvents.event("short-" + i, Instant.now(), "k", "t", "m", 0.01));
            }
            awaitTrue(ledger::databaseDown);
            awaitTrue(() -> ledger.inMemory() == 0 && journaled(journal));
            pg = start();
            assertThat(ledger.flush(Duration.ofSeconds(60))).isTrue();
            assertThat(count(store, "short-%")).isEqualTo(100);
            assertThat(journal).doesNotExist();
        }
    }

    @Test
    void eventsStillUnwrittenAtShutdownAreJournaledAndReplayedOnTheNextStart() throws Exception {
        Path journal = dir.resolve("shutdown.journal");
        Store store = Store.open(settings());
        UsageLedger ledger = store.usageLedger(ledgerSettings(journal));
        pg.close();
        pg = null;
        for (int i = 0; i < 30; i++) {
            ledger.record(UsageEvents.event("shutdown-" + i, Instant.now(), "k", "t", "m", 0.01));
        }
        store.close(); // closes the ledger: the database is down, so the events go to the journal
        assertThat(journal).exists().isNotEmptyFile();

        pg = start();
        try (Store reopened = Store.open(settings())) {
            UsageLedger next = reopened.usageLedger(ledgerSettings(journal));
            assertThat(next.flush(Duration.ofSeconds(60))).isTrue();
            assertThat(count(reopened, "shutdown-%")).isEqualTo(30);
            assertThat(journal).doesNotExist();
        }
    }

    @Test
    void whileTheDatabaseIsDownEventsAreInTheJournalWithinAFlushInterval() throws Exception {
        Path journal = dir.resolve("prompt.journal");
        try (Store store = Store.open(settings())) {
            // a high-water mark far above what is recorded: only the outage can move events to disk
            UsageLedger ledger = store.usageLedger(new UsageLedgerSettings(journal, 50, Duration.ofMillis(50), 100_000,
                    Duration.ofMillis(300)));
            ledger.record(UsageEvents.event("prompt-before", Instant.now(), "k", "t", "m", 0.01));
            assertThat(ledger.flush(Duration.ofSeconds(30))).isTrue();

            pg.close();
            pg = null;
            ledger.record(UsageEvents.event("prompt-first", Instant.now(), "k", "t", "m", 0.01));
            awaitTrue(ledger::databaseDown);
            for (int round = 0; round < 3; round++) { // the writer is busy retrying (waiting for a connection)
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    String id = "prompt-" + round + "-" + i;
                    ids.add(id);
                    ledger.record(UsageEvents.event(id, Instant.now(), "k", "t", "m", 0.01));
                }
                // one flush interval is 50 ms; the slack is for fsync and scheduling on a busy machine, far below
                // what an outage lasts (the events would otherwise wait in memory for the database to return)
                awaitTrue(() -> ledger.inMemory() == 0 && allOnDisk(journal, ids), Duration.ofSeconds(2));
            }

            pg = start();
            assertThat(ledger.flush(Duration.ofSeconds(60))).isTrue();
            assertThat(count(store, "prompt-%")).isEqualTo(902);
            assertThat(journaled(journal)).isFalse();
            try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM usage WHERE request_id LIKE 'prompt-%'"); // the tests share the table
            }
        }
    }

    /** The journal, and the part a replay has moved aside. */
    private static String journalText(Path journal) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (Path p : List.of(journal, journal.resolveSibling(journal.getFileName() + ".replay"))) {
            if (Files.exists(p)) {
                sb.append(Files.readString(p));
            }
        }
        return sb.toString();
    }

    private static boolean allOnDisk(Path journal, List<String> ids) {
        try {
            String text = journalText(journal);
            return ids.stream().allMatch(id -> text.contains("\"" + id + "\""));
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean journaled(Path journal) {
        try {
            return !journalText(journal).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private static long count(Store store, String pattern) throws Exception {
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM usage WHERE request_id LIKE '" + pattern + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        awaitTrue(condition, Duration.ofSeconds(60));
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in " + timeout);
            }
            Thread.sleep(20);
        }
    }

}
