package dev.switchboard.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import dev.switchboard.store.Store;
import dev.switchboard.store.ledger.UsageGroupBy;
import dev.switchboard.store.ledger.UsageReport;
import io.vertx.core.http.HttpMethod;
import java.time.Instant;
import java.util.Locale;

/** Read-only reports: {@code /admin/audit} and {@code /admin/usage} (optionally for one request id). */
final class ReportsApi {
    private static final int DEFAULT_AUDIT_LIMIT = 100;
    private static final int MAX_AUDIT_LIMIT = 10_000;

    private final Store store;

    ReportsApi(Store store) {
        this.store = store;
    }

    void register(AdminRoutes routes) {
        routes.add(HttpMethod.GET, "audit", this::audit).add(HttpMethod.GET, "usage", this::usage);
    }

    private AdminReply audit(AdminCall call) {
        Instant since = AdminInput.instant(call.query("since"), "since");
        int limit = AdminInput.intParam(call.query("limit"), "limit", DEFAULT_AUDIT_LIMIT, 1, MAX_AUDIT_LIMIT);
        return AdminReply.ok(AdminViews.list(store.audit().list(since == null ? Instant.EPOCH : since, limit),
                AdminViews::audit));
    }

    private AdminReply usage(AdminCall call) {
        Instant from = AdminInput.instant(call.query("from"), "from");
        Instant to = AdminInput.instant(call.query("to"), "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw AdminException.badRequest("'from' must be before 'to'.");
        }
        String groupText = call.query("group_by") == null ? "model" : call.query("group_by").strip();
        UsageGroupBy groupBy;
        try {
            groupBy = UsageGroupBy.valueOf(groupText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest("'group_by' must be one of key, team, model, provider.");
        }
        String requestId = idParam(call, "request_id");
        String clientRequestId = idParam(call, "client_request_id");
        UsageReport report = store.usage().usage(from, to, groupBy, requestId, clientRequestId);
        String field = groupBy.name().toLowerCase(Locale.ROOT);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("from", AdminViews.iso(from));
        o.put("to", AdminViews.iso(to));
        o.put("group_by", field);
        if (requestId != null) {
            o.put("request_id", requestId);
        }
        if (clientRequestId != null) {
            o.put("client_request_id", clientRequestId);
        }
        ArrayNode rows = o.putArray("data");
        report.rows().forEach(r -> rows.add(AdminViews.usage(r, field)));
        o.set("totals", AdminViews.usage(report.totals(), null));
        return AdminReply.ok(o);
    }

    /** An optional id filter: the gateway's request id or the caller's own x-request-id (both at most 256 chars). */
    private static String idParam(AdminCall call, String name) {
        String v = call.query(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        if (v.length() > dev.switchboard.usage.LedgerText.MAX_CHARS) {
            throw AdminException.badRequest("'" + name + "' is too long.");
        }
        return v;
    }
}
