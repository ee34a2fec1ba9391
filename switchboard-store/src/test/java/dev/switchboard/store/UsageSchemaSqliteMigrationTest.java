package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.ledger.UsageGroupBy;
import dev.switchboard.store.ledger.UsageLedger;
import dev.switchboard.store.ledger.UsageLedgerSettings;
import dev.switchboard.usage.Usage;
import dev.switchboard.usage.UsageEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A SQLite store made by the previous version gains the caller's request id column in place, rows kept. */
class UsageSchemaSqliteMigrationTest {
    @TempDir
    Path dir;

    @Test
    void anExistingDatabaseMigratesInPlace() throws Exception {
        Path file = dir.resolve("old.db");
        String jdbc = "jdbc:sqlite:" + file;
        Flyway.configure().dataSource(jdbc, null, null).locations("classpath:db/migration/sqlite").target("1").load()
                .migrate();
        try (Connection c = DriverManager.getConnection(jdbc); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO usage (request_id, at_ms, stream, status, prompt_tokens, completion_tokens, "
                    + "cached_tokens, reasoning_tokens, usage_reported, duration_ms, ttft_ms) "
                    + "VALUES ('old-row', 1, 0, 200, 1, 2, 0, 0, 1, 5, -1)");
        }
        try (Store store = Store.open(StoreSettings.sqlite(file))) {
            UsageLedger ledger = store.usageLedger(UsageLedgerSettings.defaults(dir.resolve("j")));
            for (int i = 0; i < 3; i++) {
                ledger.record(new UsageEvent(Instant.now(), "new-" + i, "k", "chat", "m", "p", "m", false, 200,
                        Usage.NONE, false, 1, -1, null, UsageEvent.UNKNOWN_COST, "dup-id"));
            }
            assertThat(ledger.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(store.usage().usage(null, null, UsageGroupBy.KEY).totals().requests()).isEqualTo(4);
            assertThat(store.usage().usage(null, null, UsageGroupBy.KEY, null, "dup-id").totals().requests()).isEqualTo(3);
            try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT client_request_id FROM usage WHERE request_id = 'old-row'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isNull();
            }
        }
    }
}
