package dev.switchboard.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.store.dialect.Dialect;
import dev.switchboard.store.jdbc.Jdbc;
import dev.switchboard.store.failure.StoreException;
import dev.switchboard.store.ledger.UsageLedger;
import dev.switchboard.store.ledger.UsageLedgerSettings;
import dev.switchboard.store.ledger.UsageQueries;
import dev.switchboard.store.repository.ApprovalRepository;
import dev.switchboard.store.repository.AuditLog;
import dev.switchboard.store.repository.CredentialRepository;
import dev.switchboard.store.repository.KeyRepository;
import dev.switchboard.store.repository.TeamRepository;
import dev.switchboard.store.repository.jdbc.JdbcRepositories;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * The gateway's persistent state on SQLite (one file, WAL, a single connection since SQLite allows one writer)
 * or PostgreSQL (shared by many gateway instances). All methods are blocking JDBC: call them from worker
 * threads, never from an event loop ({@link UsageLedger#record} is the exception and never blocks).
 */
public final class Store implements AutoCloseable {
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
        this.teams = JdbcRepositories.teams(jdbc);
        this.keys = JdbcRepositories.keys(jdbc);
        this.approvals = JdbcRepositories.approvals(jdbc);
        this.audit = JdbcRepositories.audit(jdbc);
        this.usage = new UsageQueries(jdbc);
    }

    /** Connects, applies pending migrations and returns the open store. */
    public static Store open(StoreSettings settings) {
        Dialect dialect = settings.dialect();
        HikariDataSource ds = ConnectionPool.open(settings, dialect);
        try {
            Migrations.apply(ds, dialect);
            return new Store(ds, dialect);
        } catch (RuntimeException e) {
            ds.close();
            throw new StoreException("cannot open store " + settings.url() + ": " + e.getMessage(), e);
        }
    }

    public TeamRepository teams() {
        return teams;
    }

    public KeyRepository keys() {
        return keys;
    }

    /** Credentials readable under this master key (see {@link MasterKey#fromEnvOrFile}). */
    public CredentialRepository credentials(MasterKey masterKey) {
        return JdbcRepositories.credentials(jdbc, masterKey);
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
