package dev.switchboard.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.store.dialect.Dialect;
import dev.switchboard.store.failure.StoreException;

/** The connection pool, tuned per backend. */
final class ConnectionPool {
    /** Short so a database outage surfaces quickly instead of stalling callers for the default 30 s. */
    private static final long CONNECTION_TIMEOUT_MS = 3_000;

    private ConnectionPool() {}

    static HikariDataSource open(StoreSettings settings, Dialect dialect) {
        try {
            return new HikariDataSource(config(settings, dialect));
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to store " + settings.url() + ": " + e.getMessage(), e);
        }
    }

    private static HikariConfig config(StoreSettings settings, Dialect dialect) {
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName("switchboard-store");
        cfg.setJdbcUrl(settings.jdbcUrl());
        cfg.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        if (dialect == Dialect.SQLITE) {
            // SQLite allows one writer: one connection, WAL so reads do not wait for it
            cfg.setMaximumPoolSize(1);
            cfg.addDataSourceProperty("journal_mode", "WAL");
            cfg.addDataSourceProperty("synchronous", "NORMAL");
            cfg.addDataSourceProperty("busy_timeout", "5000");
            cfg.addDataSourceProperty("foreign_keys", "true");
        } else {
            cfg.setUsername(settings.user());
            cfg.setPassword(settings.password());
            cfg.setMaximumPoolSize(settings.poolSize());
            cfg.setMinimumIdle(Math.min(2, settings.poolSize()));
            cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
            // server error details quote row values; keep them out of exception messages and logs
            cfg.addDataSourceProperty("logServerErrorDetail", "false");
        }
        return cfg;
    }
}
