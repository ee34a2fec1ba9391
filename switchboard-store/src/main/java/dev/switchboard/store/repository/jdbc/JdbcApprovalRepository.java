package dev.switchboard.store.repository.jdbc;

import dev.switchboard.store.jdbc.Jdbc;
import dev.switchboard.store.failure.NotFoundException;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.store.repository.AccessRequest;
import dev.switchboard.store.repository.ApprovalRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

final class JdbcApprovalRepository implements ApprovalRepository {
    private static final String COLUMNS = "id, requester_kind, requester_id, model, reason, status, requested_at, "
            + "decided_by, decided_at, note";

    private final Jdbc jdbc;

    JdbcApprovalRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public AccessRequest request(AccessRequest.RequesterKind kind, String requesterId, String model, String reason) {
        AccessRequest req = new AccessRequest("req_" + UUID.randomUUID(), kind, requesterId, model, reason,
                AccessRequest.Status.PENDING, Instant.ofEpochMilli(Instant.now().toEpochMilli()), null, null, null);
        return jdbc.inTransaction(c -> {
            requireRequester(c, kind, requesterId);
            Optional<AccessRequest> pending = pending(c, kind, requesterId, model);
            if (pending.isPresent()) {
                return pending.get(); // the same ask again: one request to decide, not a pile
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO access_requests (id, requester_kind, "
                    + "requester_id, model, reason, status, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, req.id());
                ps.setString(2, lower(kind));
                ps.setString(3, requesterId);
                ps.setString(4, model);
                ps.setString(5, reason);
                ps.setString(6, lower(req.status()));
                ps.setLong(7, req.requestedAt().toEpochMilli());
                ps.executeUpdate();
            }
            // audited, but no revision bump: nothing gateways serve from changed until an admin decides
            AdminChange.audit(c, lower(kind) + ":" + requesterId, "approval.request", "access_request", req.id(),
                    Map.of("model", model));
            return req;
        });
    }

    private static Optional<AccessRequest> pending(Connection c, AccessRequest.RequesterKind kind, String requesterId,
            String model) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM access_requests WHERE requester_kind = ? "
                + "AND requester_id = ? AND model = ? AND status = ? ORDER BY requested_at, id")) {
            ps.setString(1, lower(kind));
            ps.setString(2, requesterId);
            ps.setString(3, model);
            ps.setString(4, lower(AccessRequest.Status.PENDING));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public Optional<AccessRequest> get(String id) {
        return jdbc.read(c -> find(c, id));
    }

    @Override
    public List<AccessRequest> listPending() {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM access_requests "
                    + "WHERE status = ? ORDER BY requested_at, id")) {
                ps.setString(1, lower(AccessRequest.Status.PENDING));
                try (ResultSet rs = ps.executeQuery()) {
                    List<AccessRequest> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                    return out;
                }
            }
        });
    }

    @Override
    public AccessRequest approve(String id, String admin) {
        return jdbc.inTransaction(c -> {
            AccessRequest req = decide(c, id, admin, AccessRequest.Status.APPROVED, null);
            if (req.requesterKind() == AccessRequest.RequesterKind.KEY) {
                AccessPolicy p = JdbcKeyRepository.findForUpdate(c, jdbc.dialect(), req.requesterId()).orElseThrow().policy();
                if (!p.allows(req.model())) {
                    JdbcKeyRepository.writePolicy(c, req.requesterId(), p.withAllowedModels(plus(p, req.model())));
                }
            } else {
                AccessPolicy p = JdbcTeamRepository.findForUpdate(c, jdbc.dialect(), req.requesterId()).orElseThrow().policy();
                if (!p.allows(req.model())) {
                    JdbcTeamRepository.writePolicy(c, req.requesterId(), p.withAllowedModels(plus(p, req.model())));
                }
            }
            AdminChange.record(c, admin, "approval.approve", "access_request", id, Map.of("model", req.model(),
                    "requester_kind", lower(req.requesterKind()), "requester_id", req.requesterId()));
            return req;
        });
    }

    @Override
    public AccessRequest reject(String id, String admin, String note) {
        return jdbc.inTransaction(c -> {
            AccessRequest req = decide(c, id, admin, AccessRequest.Status.REJECTED, note);
            AdminChange.record(c, admin, "approval.reject", "access_request", id, Map.of("model", req.model()));
            return req;
        });
    }

    private static AccessRequest decide(Connection c, String id, String admin, AccessRequest.Status status, String note)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE access_requests SET status = ?, decided_by = ?, "
                + "decided_at = ?, note = ? WHERE id = ? AND status = ?")) {
            ps.setString(1, lower(status));
            ps.setString(2, admin);
            ps.setLong(3, Instant.now().toEpochMilli());
            ps.setString(4, note);
            ps.setString(5, id);
            ps.setString(6, lower(AccessRequest.Status.PENDING));
            if (ps.executeUpdate() == 0) {
                throw new NotFoundException("no pending access request " + id);
            }
        }
        return find(c, id).orElseThrow();
    }

    private static List<String> plus(AccessPolicy p, String model) {
        List<String> models = new ArrayList<>(p.allowedModels());
        models.add(model);
        return models;
    }

    private static void requireRequester(Connection c, AccessRequest.RequesterKind kind, String id) throws SQLException {
        boolean exists = kind == AccessRequest.RequesterKind.KEY ? JdbcKeyRepository.find(c, id).isPresent()
                : JdbcTeamRepository.find(c, "id", id).isPresent();
        if (!exists) {
            throw new NotFoundException("no " + lower(kind) + " " + id);
        }
    }

    private static Optional<AccessRequest> find(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM access_requests WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private static AccessRequest map(ResultSet rs) throws SQLException {
        Long decidedAt = PolicyColumns.getLong(rs, "decided_at");
        return new AccessRequest(rs.getString("id"),
                AccessRequest.RequesterKind.valueOf(rs.getString("requester_kind").toUpperCase(Locale.ROOT)),
                rs.getString("requester_id"), rs.getString("model"), rs.getString("reason"),
                AccessRequest.Status.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
                Instant.ofEpochMilli(rs.getLong("requested_at")), rs.getString("decided_by"),
                decidedAt == null ? null : Instant.ofEpochMilli(decidedAt), rs.getString("note"));
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
