package dev.switchboard.store.repository.jdbc;

import dev.switchboard.store.jdbc.Jdbc;
import dev.switchboard.store.repository.AuditEntry;
import dev.switchboard.store.repository.AuditLog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

final class JdbcAuditLog implements AuditLog {
    private final Jdbc jdbc;

    JdbcAuditLog(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void record(String actor, String action, String targetKind, String targetId, java.util.Map<String, ?> details) {
        jdbc.inTransaction(c -> {
            AdminChange.audit(c, actor, action, targetKind, targetId, details);
            return null;
        });
    }

    @Override
    public List<AuditEntry> list(Instant since, int limit) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, at_ms, actor, action, target_kind, target_id, "
                    + "details FROM audit_log WHERE at_ms >= ? ORDER BY id LIMIT ?")) {
                ps.setLong(1, since == null ? 0 : since.toEpochMilli());
                ps.setInt(2, Math.max(0, limit));
                try (ResultSet rs = ps.executeQuery()) {
                    List<AuditEntry> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new AuditEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                    return out;
                }
            }
        });
    }
}
