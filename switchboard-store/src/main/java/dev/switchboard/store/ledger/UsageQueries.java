package dev.switchboard.store.ledger;

import dev.switchboard.store.jdbc.Jdbc;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Aggregates the usage table. */
public final class UsageQueries {
    private static final String SUMS = "COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), "
            + "COALESCE(SUM(cached_tokens), 0), COALESCE(SUM(reasoning_tokens), 0), COALESCE(SUM(cost_micros), 0), "
            + "COALESCE(SUM(CASE WHEN usage_estimated THEN 1 ELSE 0 END), 0), "
            + "COALESCE(SUM(CASE WHEN cache_hit THEN 1 ELSE 0 END), 0), COALESCE(SUM(saved_micros), 0)";

    private final Jdbc jdbc;

    public UsageQueries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Requests in {@code [from, to)} grouped by key name, team, model or provider. */
    public UsageReport usage(Instant from, Instant to, UsageGroupBy groupBy) {
        return usage(from, to, groupBy, null, null);
    }

    /**
     * As {@link #usage(Instant, Instant, UsageGroupBy)}, only the rows with the gateway's request id and/or the
     * caller's own {@code x-request-id} when given (null: any).
     */
    public UsageReport usage(Instant from, Instant to, UsageGroupBy groupBy, String requestId, String clientRequestId) {
        String where = " FROM usage WHERE at_ms >= ? AND at_ms < ?" + (requestId == null ? "" : " AND request_id = ?")
                + (clientRequestId == null ? "" : " AND client_request_id = ?");
        return jdbc.read(c -> {
            List<UsageRow> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + groupBy.column + ", " + SUMS + where
                    + " GROUP BY " + groupBy.column + " ORDER BY 7 DESC, 2 DESC, 1")) {
                bind(ps, from, to, requestId, clientRequestId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row(rs.getString(1), rs, 2));
                    }
                }
            }
            UsageRow totals;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SUMS + where)) {
                bind(ps, from, to, requestId, clientRequestId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    totals = row(null, rs, 1);
                }
            }
            return new UsageReport(rows, totals);
        });
    }

    private static void bind(PreparedStatement ps, Instant from, Instant to, String requestId, String clientRequestId)
            throws SQLException {
        bindRange(ps, from, to);
        int i = 3;
        if (requestId != null) {
            ps.setString(i++, requestId);
        }
        if (clientRequestId != null) {
            ps.setString(i, clientRequestId);
        }
    }

    private static void bindRange(PreparedStatement ps, Instant from, Instant to) throws SQLException {
        ps.setLong(1, from == null ? Long.MIN_VALUE : from.toEpochMilli());
        ps.setLong(2, to == null ? Long.MAX_VALUE : to.toEpochMilli());
    }

    private static UsageRow row(String group, ResultSet rs, int at) throws SQLException {
        return new UsageRow(group, rs.getLong(at), rs.getLong(at + 1), rs.getLong(at + 2), rs.getLong(at + 3),
                rs.getLong(at + 4), rs.getLong(at + 5) / 1_000_000d, rs.getLong(at + 6), rs.getLong(at + 7),
                rs.getLong(at + 8) / 1_000_000d);
    }
}
