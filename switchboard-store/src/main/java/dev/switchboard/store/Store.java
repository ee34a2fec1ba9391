package dev.switchboard.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's persistent state on SQLite (one file, WAL, a single connection since SQLite allows one writer)
 * or PostgreSQL (shared by many gateway instances). All methods are blocking JDBC: call them from worker
 * threads, never from an event loop ({@link UsageLedger#record} is the exception and never blocks).
 */
public final class Store implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    /** Short so a database outage surfaces quickly instead of stalling callers for the default 30 s. */
    private static final long CONNECTION_TIMEOUT_MS = 3_000;

    private final HikariDataSource dataSource;
    private final Jdbc jdbc;
    private final TeamRepository teams;
    private final KeyRepository keys;
    private final ApprovalRepository approvals;
    private final AuditLog audit;
    private final UsageQueries usage;
    private final List<UsageLedger> ledgers = new CopyOnWriteArrayList<>();

    private Store(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.jdbc = new Jdbc(dataSource, dialect);
        this.teams = new JdbcTeamRepository(jdbc);
        this.keys = new JdbcKeyRepository(jdbc);
        this.approvals = new JdbcApprovalRepository(jdbc);
        this.audit = new JdbcAuditLog(jdbc);
        this.usage = new UsageQueries(jdbc);
    }

    /** Connects, applies pending migrations and returns the open store. */
    public static Store open(StoreSettings settings) {
        Dialect dialect = settings.dialect();
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(poolConfig(settings, dialect));
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to store " + settings.url() + ": " + e.getMessage(), e);
        }
        try {
            MigrateResult result = Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:" + dialect.migrations)
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("store migrated to version {} ({} migrations)", result.targetSchemaVersion,
                        result.migrationsExecuted);
            }
            return new Store(ds, dialect);
        } catch (RuntimeException e) {
            ds.close();
            throw new StoreException("cannot open store " + settings.url() + ": " + e.getMessage(), e);
        }
    }

    private static HikariConfig poolConfig(StoreSettings settings, Dialect dialect) {
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName("switchboard-store");
        cfg.setJdbcUrl(settings.jdbcUrl());
        cfg.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        if (dialect == Dialect.SQLITE) {
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

    public TeamRepository teams() {
        return teams;
    }

    public KeyRepository keys() {
        return keys;
    }

    /** Credentials readable under this master key (see {@link MasterKey#fromEnvOrFile}). */
    public CredentialRepository credentials(MasterKey masterKey) {
        return new JdbcCredentialRepository(jdbc, masterKey);
    }

    public ApprovalRepository approvals() {
        return approvals;
    }

    public AuditLog audit() {
        return audit;
    }

    public UsageQueries usage() {
        return usage;
    }

    /** Starts a usage ledger writing to this store; it is closed (flushed or journaled) with the store. */
    public UsageLedger usageLedger(UsageLedgerSettings settings) {
        UsageLedger ledger = new UsageLedger(dataSource, usage, settings);
        ledgers.add(ledger);
        return ledger;
    }

    /** The store revision: moves on every administrative change (see {@link KeyRepository#revision()}). */
    public long revision() {
        return keys.revision();
    }

    /** For tests and tools that need plain SQL. */
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        for (UsageLedger ledger : ledgers) {
            ledger.close();
        }
        dataSource.close();
    }
}
