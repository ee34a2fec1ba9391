package dev.switchboard.store.repository.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.switchboard.json.Json;
import dev.switchboard.store.failure.StoreException;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.store.repository.Budget;
import dev.switchboard.store.repository.Limits;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads and writes the policy columns that teams and keys share (models, metadata, limits, budget). */
final class PolicyColumns {
    static final String NAMES = "allowed_models, metadata, rpm_limit, tpm_limit, tpd_limit, budget_micros, budget_period";
    static final String ASSIGN = "allowed_models = ?, metadata = ?, rpm_limit = ?, tpm_limit = ?, tpd_limit = ?, "
            + "budget_micros = ?, budget_period = ?";
    static final int COUNT = 7;

    private static final TypeReference<List<String>> LIST = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};

    private PolicyColumns() {}

    /** Binds the seven policy columns starting at parameter index {@code at}; returns the next index. */
    static int bind(PreparedStatement ps, int at, AccessPolicy p) throws SQLException {
        ps.setString(at++, toJson(p.allowedModels()));
        ps.setString(at++, toJson(p.metadata()));
        setLong(ps, at++, p.limits().requestsPerMinute());
        setLong(ps, at++, p.limits().tokensPerMinute());
        setLong(ps, at++, p.limits().tokensPerDay());
        if (p.budget() == null) {
            ps.setNull(at++, Types.BIGINT);
            ps.setNull(at++, Types.VARCHAR);
        } else {
            ps.setLong(at++, Money.toMicros(p.budget().amountUsd()));
            ps.setString(at++, p.budget().period().name().toLowerCase(Locale.ROOT));
        }
        return at;
    }

    static AccessPolicy read(ResultSet rs) throws SQLException {
        Limits limits = new Limits(getLong(rs, "rpm_limit"), getLong(rs, "tpm_limit"), getLong(rs, "tpd_limit"));
        Long micros = getLong(rs, "budget_micros");
        Budget budget = micros == null ? null : new Budget(Money.fromMicros(micros),
                Budget.Period.valueOf(rs.getString("budget_period").toUpperCase(Locale.ROOT)));
        return new AccessPolicy(fromJson(rs.getString("allowed_models"), LIST),
                fromJson(rs.getString("metadata"), MAP), limits, budget);
    }

    static List<String> readModels(String json) {
        return fromJson(json, LIST);
    }

    static String toJson(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot encode policy column", e);
        }
    }

    private static <T> T fromJson(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("corrupt policy column", e);
        }
    }

    static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    static Long getLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** USD amounts are stored as integer micro-USD so both backends sum them exactly. */
    static final class Money {
        private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

        private Money() {}

        static long toMicros(BigDecimal usd) {
            return usd.multiply(MILLION).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        }

        static BigDecimal fromMicros(long micros) {
            return BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        }
    }
}
