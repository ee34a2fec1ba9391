package dev.switchboard.store.repository.jdbc;

import dev.switchboard.store.dialect.Dialect;
import dev.switchboard.store.jdbc.Jdbc;
import dev.switchboard.store.failure.NotFoundException;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.store.repository.TeamRecord;
import dev.switchboard.store.repository.TeamRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

final class JdbcTeamRepository implements TeamRepository {
    private static final String COLUMNS = "id, name, " + PolicyColumns.NAMES + ", created_at";

    private final Jdbc jdbc;

    JdbcTeamRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public TeamRecord create(String actor, String name, AccessPolicy policy) {
        AccessPolicy p = policy == null ? AccessPolicy.OPEN : policy;
        TeamRecord team = new TeamRecord("team_" + UUID.randomUUID(), name, p,
                Instant.ofEpochMilli(Instant.now().toEpochMilli()));
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO teams (" + COLUMNS + ") VALUES (?, ?, "
                    + "?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, team.id());
                ps.setString(2, name);
                int next = PolicyColumns.bind(ps, 3, p);
                ps.setLong(next, team.createdAt().toEpochMilli());
                ps.executeUpdate();
            }
            AdminChange.record(c, actor, "team.create", "team", team.id(), Map.of("name", name));
            return team;
        });
    }

    @Override
    public Optional<TeamRecord> get(String id) {
        return jdbc.read(c -> find(c, "id", id));
    }

    @Override
    public Optional<TeamRecord> findByName(String name) {
        return jdbc.read(c -> find(c, "name", name));
    }

    @Override
    public List<TeamRecord> list() {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM teams ORDER BY name");
                    ResultSet rs = ps.executeQuery()) {
                List<TeamRecord> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(map(rs));
                }
                return out;
            }
        });
    }

    @Override
    public TeamRecord updatePolicy(String actor, String id, AccessPolicy policy) {
        return jdbc.inTransaction(c -> {
            writePolicy(c, id, policy);
            AdminChange.record(c, actor, "team.update", "team", id, Map.of("policy", policy));
            return find(c, "id", id).orElseThrow();
        });
    }

    @Override
    public void delete(String actor, String id) {
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM teams WHERE id = ?")) {
                ps.setString(1, id);
                if (ps.executeUpdate() == 0) {
                    throw new NotFoundException("no team " + id);
                }
            }
            AdminChange.record(c, actor, "team.delete", "team", id, Map.of());
            return null;
        });
    }

    /** Used by approvals to widen a team's models inside their own transaction. */
    static void writePolicy(Connection c, String id, AccessPolicy policy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE teams SET " + PolicyColumns.ASSIGN + " WHERE id = ?")) {
            int next = PolicyColumns.bind(ps, 1, policy);
            ps.setString(next, id);
            if (ps.executeUpdate() == 0) {
                throw new NotFoundException("no team " + id);
            }
        }
    }

    static Optional<TeamRecord> find(Connection c, String column, String value) throws SQLException {
        return select(c, "SELECT " + COLUMNS + " FROM teams WHERE " + column + " = ?", value);
    }

    static Optional<TeamRecord> findForUpdate(Connection c, Dialect dialect, String id) throws SQLException {
        return select(c, "SELECT " + COLUMNS + " FROM teams WHERE id = ?" + dialect.forUpdate(), id);
    }

    private static Optional<TeamRecord> select(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private static TeamRecord map(ResultSet rs) throws SQLException {
        return new TeamRecord(rs.getString("id"), rs.getString("name"), PolicyColumns.read(rs),
                Instant.ofEpochMilli(rs.getLong("created_at")));
    }
}
