package dev.switchboard.store.ledger;

import dev.switchboard.store.dialect.SqlFailures;
import dev.switchboard.usage.Usage;
import dev.switchboard.usage.UsageEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * Inserts usage events; a request id already present is skipped, not an error (the id is the gateway's own, so a
 * repeat is the same event written twice, e.g. by a journal replay). A batch goes in one transaction; when the
 * database refuses it because of a row's data, the rows are written one by one and a row refused on its own is
 * quarantined, so the others still land. Throws only for failures that are not a row's fault (e.g. an outage):
 * the caller keeps the events and retries.
 */
final class UsageWriter {
    private static final String INSERT = "INSERT INTO usage (request_id, at_ms, key_name, team, operation, model, "
            + "provider, upstream_model, stream, status, prompt_tokens, completion_tokens, cached_tokens, "
            + "reasoning_tokens, usage_reported, cost_micros, duration_ms, ttft_ms, client_request_id, usage_estimated, "
            + "cache_hit, saved_micros) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING";

    private final javax.sql.DataSource dataSource;
    private final UsageQuarantine quarantine;

    UsageWriter(javax.sql.DataSource dataSource, UsageQuarantine quarantine) {
        this.dataSource = dataSource;
        this.quarantine = quarantine;
    }

    void write(List<UsageEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try {
            insert(events);
        } catch (SQLException | RuntimeException e) {
            if (!SqlFailures.isRowProblem(e)) {
                throw e;
            }
            if (events.size() == 1) {
                quarantine.add(events.get(0), e);
                return;
            }
            for (UsageEvent event : events) {
                write(List.of(event));
            }
        }
    }

    private void insert(List<UsageEvent> events) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (UsageEvent e : events) {
                    bind(ps, e);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException ex) {
                rollbackQuietly(c);
                throw ex;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static void bind(PreparedStatement ps, UsageEvent e) throws SQLException {
        Usage u = e.usage() == null ? Usage.NONE : e.usage();
        ps.setString(1, e.requestId());
        ps.setLong(2, e.at().toEpochMilli());
        ps.setString(3, e.keyName());
        ps.setString(4, e.team());
        ps.setString(5, e.operation());
        ps.setString(6, e.publicModel());
        ps.setString(7, e.provider());
        ps.setString(8, e.upstreamModel());
        ps.setBoolean(9, e.stream());
        ps.setInt(10, e.status());
        ps.setLong(11, u.promptTokens());
        ps.setLong(12, u.completionTokens());
        ps.setLong(13, u.cachedTokens());
        ps.setLong(14, u.reasoningTokens());
        ps.setBoolean(15, e.usageReported());
        if (e.costKnown()) {
            ps.setLong(16, Math.round(e.costUsd() * 1_000_000d));
        } else {
            ps.setNull(16, Types.BIGINT);
        }
        ps.setLong(17, e.durationMillis());
        ps.setLong(18, e.timeToFirstTokenMillis());
        ps.setString(19, e.clientRequestId());
        ps.setBoolean(20, e.usageEstimated());
        ps.setBoolean(21, e.cacheHit());
        if (e.savedKnown()) {
            ps.setLong(22, Math.round(e.savedUsd() * 1_000_000d));
        } else {
            ps.setNull(22, Types.BIGINT);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is likely gone; the batch is retried on another
        }
    }
}
