package dev.switchboard.store.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.usage.Usage;
import dev.switchboard.usage.UsageEvent;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On PostgreSQL (which refuses some text, e.g. NUL) a row the database refuses never blocks the ledger: it is
 * quarantined, in a batch and in a journal replay, and the rows around it and after it are written. The schema
 * migrates in place.
 */
class UsageLedgerPostgresTest {
    private static EmbeddedPostgres pg;
    private static int databases;
    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    private static String freshDatabase() throws Exception {
        String name = "ledger_" + (databases++);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("CREATE DATABASE " + name);
        }
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/" + name;
    }

    private static Store open(String url) {
        return Store.open(new StoreSettings(url, "postgres", "postgres", 2));
    }

    /** A row the database refuses for its data, whatever the sanitising upstream of the ledger does. */
    private static void refuseModelPoison(Store store) throws Exception {
        exec(store, "ALTER TABLE usage ADD CONSTRAINT no_poison CHECK (model <> 'poison')");
    }

    private static UsageLedgerSettings settings(Path journal) {
        return new UsageLedgerSettings(journal, 50, Duration.ofMillis(50), 10_000, Duration.ofMillis(200));
    }

    @Test
    void aRowTheDatabaseRefusesIsQuarantinedAndTheOthersAreWritten() throws Exception {
        try (Store store = open(freshDatabase())) {
            refuseModelPoison(store);
            UsageLedger ledger = store.usageLedger(settings(dir.resolve("batch.journal")));
            Instant at = Instant.now();
            for (int i = 0; i < 5; i++) {
                ledger.record(UsageEvents.event("a-" + i, at, "k", "t", "m", 0.01));
            }
            ledger.record(UsageEvents.event("poisoned", at, "k", "t", "poison", 0.01));
            ledger.record(UsageEvents.event("nul", at, "k\u0000", "t", "nope\u0000\r\n", 0.01));
            for (int i = 0; i < 5; i++) {
                ledger.record(UsageEvents.event("b-" + i, at, "k", "t", "m", 0.01));
            }
            assertThat(ledger.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(ids(store)).hasSize(11).doesNotContain("poisoned").contains("nul", "a-0", "b-4");
            assertThat(text(store, "SELECT model FROM usage WHERE request_id = 'nul'")).isEqualTo("nope\\u0000\\u000d\\u000a");
            assertThat(ledger.quarantined()).isEqualTo(1);
            assertThat(Files.readString(ledger.quarantineFile())).contains("\"poisoned\"").hasLineCount(1);
            assertThat(ledger.databaseDown()).isFalse();

            for (int i = 0; i < 3; i++) {
                ledger.record(UsageEvents.event("later-" + i, at, "k", "t", "m", 0.01));
            }
            assertThat(ledger.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(ids(store)).contains("later-0", "later-1", "later-2");
        }
    }

    @Test
    void poisonedJournalLinesAreQuarantinedAndTheRestReplays() throws Exception {
        Path journal = dir.resolve("replay.journal");
        UsageEvent good = UsageEvents.event("j-good", Instant.now(), "k", "t", "m", 0.5);
        String goodLine = UsageEventJson.toLine(good);
        List<String> lines = List.of(goodLine,
                goodLine.replace("\"j-good\"", "\"j-nul\"").replace("\"model\":\"m\"", "\"model\":\"nope\\u0000\""),
                "{\"at\":1,\"request_id\":\"cut-sh", // cut short by a crash
                goodLine.replace("\"j-good\"", "\"j-poison\"").replace("\"model\":\"m\"", "\"model\":\"poison\""),
                goodLine.replace("\"j-good\"", "\"j-last\""));
        Files.writeString(journal, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);

        String url = freshDatabase();
        try (Store store = open(url)) {
            refuseModelPoison(store);
            UsageLedger ledger = store.usageLedger(settings(journal)); // a start after a crash: replays first
            ledger.record(UsageEvents.event("new", Instant.now(), "k", "t", "m", 0.5));
            assertThat(ledger.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(ids(store)).containsExactlyInAnyOrder("j-good", "j-nul", "j-last", "new");
            assertThat(ledger.quarantined()).isEqualTo(2);
            assertThat(Files.readString(ledger.quarantineFile())).contains("j-poison", "cut-sh");
            assertThat(journal).doesNotExist();
            assertThat(ledger.databaseDown()).isFalse();
        }
    }

    @Test
    void anExistingDatabaseMigratesInPlace() throws Exception {
        String url = freshDatabase();
        Flyway.configure().dataSource(url, "postgres", "postgres").locations("classpath:db/migration/postgresql")
                .target("1").load().migrate();
        try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", "postgres");
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO usage (request_id, at_ms, stream, status, prompt_tokens, completion_tokens, "
                    + "cached_tokens, reasoning_tokens, usage_reported, duration_ms, ttft_ms) "
                    + "VALUES ('old-row', 1, false, 200, 1, 2, 0, 0, true, 5, -1)");
        }
        try (Store store = open(url)) {
            UsageLedger ledger = store.usageLedger(settings(dir.resolve("migrated.journal")));
            Instant at = Instant.now();
            for (int i = 0; i < 2; i++) {
                ledger.record(new UsageEvent(at, "new-" + i, "k", "chat", "m", "p", "m", false, 200, Usage.NONE, false,
                        1, -1, null, UsageEvent.UNKNOWN_COST, "same-client-id"));
            }
            assertThat(ledger.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(ids(store)).containsExactlyInAnyOrder("old-row", "new-0", "new-1");
            assertThat(store.usage().usage(null, null, UsageGroupBy.KEY, null, "same-client-id").totals().requests())
                    .isEqualTo(2);
        }
    }

    static List<String> ids(Store store) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT request_id FROM usage")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static String text(Store store, String sql) throws Exception {
        try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void exec(Store store, String sql) throws Exception {
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }
}
