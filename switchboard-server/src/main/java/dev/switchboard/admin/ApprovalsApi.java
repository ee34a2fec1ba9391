package dev.switchboard.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.store.Store;
import dev.switchboard.store.repository.AccessRequest;
import io.vertx.core.http.HttpMethod;
import java.util.Locale;
import java.util.Set;

/** {@code /admin/approvals}: a key or team asks for a model; an admin approves (widening its policy) or rejects. */
final class ApprovalsApi {
    private static final Set<String> REQUEST_FIELDS = Set.of("requester_kind", "requester_id", "model", "reason");
    private static final Set<String> REJECT_FIELDS = Set.of("note");

    private final Store store;
    private final TeamsApi teams;
    private final KeysApi keys;

    ApprovalsApi(Store store, TeamsApi teams, KeysApi keys) {
        this.store = store;
        this.teams = teams;
        this.keys = keys;
    }

    void register(AdminRoutes routes) {
        routes.add(HttpMethod.POST, "approvals", this::request)
                .add(HttpMethod.GET, "approvals", this::list)
                .add(HttpMethod.GET, "approvals/{id}", c -> AdminReply.ok(AdminViews.approval(find(c.param("id")))))
                .add(HttpMethod.POST, "approvals/{id}/approve", this::approve)
                .add(HttpMethod.POST, "approvals/{id}/reject", this::reject);
    }

    private AdminReply request(AdminCall call) {
        ObjectNode body = AdminInput.object(call.body(), REQUEST_FIELDS);
        String kindText = AdminInput.requiredText(body, "requester_kind").toLowerCase(Locale.ROOT);
        String requester = AdminInput.requiredText(body, "requester_id");
        String model = AdminInput.requiredText(body, "model");
        String reason = AdminInput.text(body, "reason");
        AccessRequest.RequesterKind kind = switch (kindText) {
            case "key" -> AccessRequest.RequesterKind.KEY;
            case "team" -> AccessRequest.RequesterKind.TEAM;
            default -> throw AdminException.badRequest("'requester_kind' must be key or team.");
        };
        String id = kind == AccessRequest.RequesterKind.KEY ? keys.find(requester).id() : teams.find(requester).id();
        return AdminReply.created(AdminViews.approval(store.approvals().request(kind, id, model, reason)));
    }

    private AdminReply list(AdminCall call) {
        String status = call.query("status");
        if (status != null && !status.equalsIgnoreCase("pending")) {
            throw AdminException.badRequest("Only status=pending can be listed; read a decided request by its id.");
        }
        return AdminReply.ok(AdminViews.list(store.approvals().listPending(), AdminViews::approval));
    }

    private AdminReply approve(AdminCall call) {
        AccessRequest req = pending(call.param("id"));
        return AdminReply.ok(AdminViews.approval(store.approvals().approve(req.id(), call.actor())));
    }

    private AdminReply reject(AdminCall call) {
        String note = null;
        if (call.body() != null) {
            note = AdminInput.text(AdminInput.object(call.body(), REJECT_FIELDS), "note");
        }
        AccessRequest req = pending(call.param("id"));
        return AdminReply.ok(AdminViews.approval(store.approvals().reject(req.id(), call.actor(), note)));
    }

    private AccessRequest pending(String id) {
        AccessRequest req = find(id);
        if (req.status() != AccessRequest.Status.PENDING) {
            throw AdminException.conflict("Request '" + id + "' was already " + AdminViews.lower(req.status()) + ".");
        }
        return req;
    }

    private AccessRequest find(String id) {
        return store.approvals().get(id).orElseThrow(() -> AdminException.notFound("No access request '" + id + "'."));
    }
}
