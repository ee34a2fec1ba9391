package dev.switchboard.store.repository.jdbc;

import dev.switchboard.store.dialect.Dialect;
import dev.switchboard.store.jdbc.Jdbc;
import dev.switchboard.store.failure.NotFoundException;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.store.repository.Budget;
import dev.switchboard.store.repository.CreatedKey;
import dev.switchboard.store.repository.KeyRecord;
import dev.switchboard.store.repository.KeyRepository;
import dev.switchboard.store.repository.KeySecrets;
import dev.switchboard.store.repository.Limits;
import dev.switchboard.store.repository.NewKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

final class JdbcKeyRepository implements KeyRepository {
    private static final String COLUMNS = "id, name, team_id, prefix, secret_sha256, expires_at, "
            + PolicyColumns.NAMES + ", revoked, revoked_at, created_at";

    private final Jdbc jdbc;

    JdbcKeyRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public CreatedKey createKey(String actor, NewKey spec) {
        String secret = KeySecrets.newSecret();
        KeyRecord key = new KeyRecord("key_" + UUID.randomUUID(), spec.name(), spec.teamId(),
                KeySecrets.visiblePrefix(secret), KeySecrets.sha256Hex(secret), truncate(spec.expiresAt()),
                spec.policy(), false, null, truncate(Instant.now()));
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO client_keys (" + COLUMNS + ") VALUES "
                    + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, key.id());
                ps.setString(2, key.name());
                ps.setString(3, key.teamId());
                ps.setString(4, key.prefix());
                ps.setString(5, key.secretSha256());
                PolicyColumns.setLong(ps, 6, key.expiresAt() == null ? null : key.expiresAt().toEpochMilli());
                int next = PolicyColumns.bind(ps, 7, key.policy());
                ps.setBoolean(next++, false);
                PolicyColumns.setLong(ps, next++, null);
                ps.setLong(next, key.createdAt().toEpochMilli());
                ps.executeUpdate();
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("name", key.name());
            details.put("prefix", key.prefix());
            details.put("team_id", key.teamId());
            details.put("expires_at", key.expiresAt() == null ? null : key.expiresAt().toString());
            AdminChange.record(c, actor, "key.create", "key", key.id(), details);
            return new CreatedKey(key, secret);
        });
    }

    @Override
    public Optional<KeyRecord> get(String id) {
        return jdbc.read(c -> find(c, id));
    }

    @Override
    public List<KeyRecord> list() {
        return query("SELECT " + COLUMNS + " FROM client_keys ORDER BY created_at, id", null);
    }

    @Override
    public List<KeyRecord> listActiveKeys() {
        return query("SELECT " + COLUMNS + " FROM client_keys WHERE revoked = ? AND (expires_at IS NULL OR expires_at > ?) "
                + "ORDER BY created_at, id", Instant.now());
    }

    @Override
    public Optional<KeyRecord> findActiveByHash(String secretSha256) {
        Optional<KeyRecord> found = jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM client_keys WHERE secret_sha256 = ?")) {
                ps.setString(1, secretSha256);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
        return found.filter(k -> k.isActive(Instant.now()));
    }

    @Override
    public KeyRecord revoke(String actor, String id) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE client_keys SET revoked = ?, revoked_at = ? "
                    + "WHERE id = ? AND revoked = ?")) {
                ps.setBoolean(1, true);
                ps.setLong(2, Instant.now().toEpochMilli());
                ps.setString(3, id);
                ps.setBoolean(4, false);
                if (ps.executeUpdate() == 0) {
                    return find(c, id).orElseThrow(() -> new NotFoundException("no key " + id));
                }
            }
            AdminChange.record(c, actor, "key.revoke", "key", id, Map.of());
            return find(c, id).orElseThrow();
        });
    }

    @Override
    public KeyRecord updatePolicy(String actor, String id, AccessPolicy policy) {
        return jdbc.inTransaction(c -> {
            writePolicy(c, id, policy);
            AdminChange.record(c, actor, "key.update", "key", id, Map.of("policy", policy));
            return find(c, id).orElseThrow();
        });
    }

    @Override
    public KeyRecord updateAllowedModels(String actor, String id, List<String> models) {
        return modify(actor, id, p -> p.withAllowedModels(models));
    }

    @Override
    public KeyRecord updateLimits(String actor, String id, Limits limits) {
        return modify(actor, id, p -> p.withLimits(limits));
    }

    @Override
    public KeyRecord updateBudget(String actor, String id, Budget budget) {
        return modify(actor, id, p -> p.withBudget(budget));
    }

    @Override
    public KeyRecord updateMetadata(String actor, String id, Map<String, String> metadata) {
        return modify(actor, id, p -> p.withMetadata(metadata));
    }

    /** Read, change and write one part of the policy in one transaction, the row locked against other admins. */
    private KeyRecord modify(String actor, String id, UnaryOperator<AccessPolicy> change) {
        return jdbc.inTransaction(c -> {
            AccessPolicy policy = change.apply(findForUpdate(c, jdbc.dialect(), id)
                    .orElseThrow(() -> new NotFoundException("no key " + id)).policy());
            writePolicy(c, id, policy);
            AdminChange.record(c, actor, "key.update", "key", id, Map.of("policy", policy));
            return find(c, id).orElseThrow();
        });
    }

    @Override
    public long revision() {
        return jdbc.read(AdminChange::revision);
    }

    /** Used by approvals to widen a key's models inside their own transaction. */
    static void writePolicy(Connection c, String id, AccessPolicy policy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE client_keys SET " + PolicyColumns.ASSIGN + " WHERE id = ?")) {
            int next = PolicyColumns.bind(ps, 1, policy);
            ps.setString(next, id);
            if (ps.executeUpdate() == 0) {
                throw new NotFoundException("no key " + id);
            }
        }
    }

    static Optional<KeyRecord> find(Connection c, String id) throws SQLException {
        return select(c, "SELECT " + COLUMNS + " FROM client_keys WHERE id = ?", id);
    }

    static Optional<KeyRecord> findForUpdate(Connection c, Dialect dialect, String id) throws SQLException {
        return select(c, "SELECT " + COLUMNS + " FROM client_keys WHERE id = ?" + dialect.forUpdate(), id);
    }

    private static Optional<KeyRecord> select(Connection c, String sql, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private List<KeyRecord> query(String sql, Instant now) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (now != null) {
                    ps.setBoolean(1, false);
                    ps.setLong(2, now.toEpochMilli());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    List<KeyRecord> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                    return out;
                }
            }
        });
    }

    private static KeyRecord map(ResultSet rs) throws SQLException {
        Long expires = PolicyColumns.getLong(rs, "expires_at");
        Long revokedAt = PolicyColumns.getLong(rs, "revoked_at");
        return new KeyRecord(rs.getString("id"), rs.getString("name"), rs.getString("team_id"), rs.getString("prefix"),
                rs.getString("secret_sha256"), expires == null ? null : Instant.ofEpochMilli(expires),
                PolicyColumns.read(rs), rs.getBoolean("revoked"),
                revokedAt == null ? null : Instant.ofEpochMilli(revokedAt), Instant.ofEpochMilli(rs.getLong("created_at")));
    }

    /** Stored at millisecond precision; the returned record says what a later read will. */
    private static Instant truncate(Instant t) {
        return t == null ? null : Instant.ofEpochMilli(t.toEpochMilli());
    }
}
