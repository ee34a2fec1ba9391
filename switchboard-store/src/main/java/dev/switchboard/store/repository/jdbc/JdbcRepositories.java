package dev.switchboard.store.repository.jdbc;

import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.store.jdbc.Jdbc;
import dev.switchboard.store.repository.ApprovalRepository;
import dev.switchboard.store.repository.AuditLog;
import dev.switchboard.store.repository.CredentialRepository;
import dev.switchboard.store.repository.KeyRepository;
import dev.switchboard.store.repository.TeamRepository;

/**
 * The one way in from outside this package: the JDBC repositories, as their interfaces. The classes themselves and
 * the SQL they share (policy columns, the audit row and revision bump, the master-key row) stay package-private.
 */
public final class JdbcRepositories {
    private JdbcRepositories() {}

    public static TeamRepository teams(Jdbc jdbc) {
        return new JdbcTeamRepository(jdbc);
    }

    public static KeyRepository keys(Jdbc jdbc) {
        return new JdbcKeyRepository(jdbc);
    }

    public static ApprovalRepository approvals(Jdbc jdbc) {
        return new JdbcApprovalRepository(jdbc);
    }

    public static AuditLog audit(Jdbc jdbc) {
        return new JdbcAuditLog(jdbc);
    }

    public static CredentialRepository credentials(Jdbc jdbc, MasterKey masterKey) {
        return new JdbcCredentialRepository(jdbc, masterKey);
    }
}
