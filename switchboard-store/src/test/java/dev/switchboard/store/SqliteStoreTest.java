package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class SqliteStoreTest extends StoreContractTest {
    private int n;

    @Override
    StoreSettings freshDatabase() {
        return StoreSettings.sqlite(tmp.resolve("store-" + (n++) + ".db"));
    }

    @Override
    String trueLiteral() {
        return "1";
    }

    @Test
    void sqliteRunsInWalModeWithForeignKeysAndOneConnection() throws Exception {
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
            }
            try (ResultSet rs = st.executeQuery("PRAGMA foreign_keys")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            try (ResultSet rs = st.executeQuery("PRAGMA busy_timeout")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(5000);
            }
        }
        assertThat(((com.zaxxer.hikari.HikariDataSource) store.dataSource()).getMaximumPoolSize()).isEqualTo(1);
    }
}
