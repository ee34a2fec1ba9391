package dev.switchboard.store.repository.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/**
 * Records an administrative change inside the caller's transaction: an audit row and a revision bump, so the
 * change, its audit trail and the signal to gateways commit or vanish together.
 */
final class AdminChange {
    private AdminChange() {}

    /** {@code details} must not contain secrets. */
    static void record(Connection c, String actor, String action, String targetKind, String targetId,
            Map<String, ?> details) throws SQLException {
        audit(c, actor, action, targetKind, targetId, details);
        try (PreparedStatement ps = c.prepareStatement("UPDATE store_revision SET revision = revision + 1 WHERE id = 1")) {
            ps.executeUpdate();
        }
    }

    /**
     * The audit row only, for changes gateways do not serve from (an access request): no revision bump, so
     * replicas do not reload keys, teams and credentials for it.
     */
    static void audit(Connection c, String actor, String action, String targetKind, String targetId,
            Map<String, ?> details) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log "
                + "(at_ms, actor, action, target_kind, target_id, details) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, Instant.now().toEpochMilli());
            ps.setString(2, actor == null ? "unknown" : actor);
            ps.setString(3, action);
            ps.setString(4, targetKind);
            ps.setString(5, targetId);
            ps.setString(6, PolicyColumns.toJson(details == null ? Map.of() : details));
            ps.executeUpdate();
        }
    }

    static long revision(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT revision FROM store_revision WHERE id = 1");
                var rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
