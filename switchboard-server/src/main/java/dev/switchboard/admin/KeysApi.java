package dev.switchboard.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.store.Store;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.store.repository.CreatedKey;
import dev.switchboard.store.repository.KeyRecord;
import dev.switchboard.store.repository.NewKey;
import io.vertx.core.http.HttpMethod;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/** {@code /admin/keys}: client keys. The secret is in the create answer only; nothing else ever shows it. */
final class KeysApi {
    private static final Set<String> CREATE_FIELDS = with("name", "team", "expires_at", "expires_in");
    private static final Set<String> PATCH_FIELDS = with();

    private final Store store;
    private final TeamsApi teams;

    KeysApi(Store store, TeamsApi teams) {
        this.store = store;
        this.teams = teams;
    }

    void register(AdminRoutes routes) {
        routes.add(HttpMethod.POST, "keys", this::create)
                .add(HttpMethod.GET, "keys", c -> AdminReply.ok(AdminViews.list(store.keys().list(), AdminViews::key)))
                .add(HttpMethod.GET, "keys/{id}", c -> AdminReply.ok(AdminViews.key(find(c.param("id")))))
                .add(HttpMethod.PATCH, "keys/{id}", this::update)
                .add(HttpMethod.POST, "keys/{id}/revoke", this::revoke);
    }

    private AdminReply create(AdminCall call) {
        ObjectNode body = AdminInput.object(call.body(), CREATE_FIELDS);
        String name = AdminInput.requiredText(body, "name");
        String team = AdminInput.text(body, "team");
        String teamId = team == null || team.isBlank() ? null : teams.find(team.strip()).id();
        Instant expiresAt = expiry(body);
        AccessPolicy policy = PolicyInput.merge(AccessPolicy.OPEN, body);
        CreatedKey created = store.keys().createKey(call.actor(), new NewKey(name, teamId, expiresAt, policy));
        ObjectNode o = AdminViews.key(created.record());
        o.put("key", created.secret());
        o.put("warning", "This is the only time the key is shown. Store it now; it cannot be retrieved later.");
        return AdminReply.created(o);
    }

    private static Instant expiry(ObjectNode body) {
        String at = AdminInput.text(body, "expires_at");
        String in = AdminInput.text(body, "expires_in");
        if (at != null && in != null) {
            throw AdminException.badRequest("Give either 'expires_at' or 'expires_in', not both.");
        }
        Instant expiresAt = in != null ? Instant.now().plus(AdminInput.duration(in, "expires_in"))
                : AdminInput.instant(at, "expires_at");
        if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
            throw AdminException.badRequest("'expires_at' must be in the future.");
        }
        return expiresAt;
    }

    private AdminReply update(AdminCall call) {
        KeyRecord key = find(call.param("id"));
        ObjectNode body = AdminInput.object(call.body(), PATCH_FIELDS);
        AccessPolicy policy = PolicyInput.merge(key.policy(), body);
        return AdminReply.ok(AdminViews.key(store.keys().updatePolicy(call.actor(), key.id(), policy)));
    }

    private AdminReply revoke(AdminCall call) {
        KeyRecord key = find(call.param("id"));
        if (key.revoked()) {
            return AdminReply.ok(AdminViews.key(key));
        }
        return AdminReply.ok(AdminViews.key(store.keys().revoke(call.actor(), key.id())));
    }

    KeyRecord find(String id) {
        return store.keys().get(id).orElseThrow(() -> AdminException.notFound("No key '" + id + "'."));
    }

    private static Set<String> with(String... extra) {
        Set<String> s = new HashSet<>(PolicyInput.FIELDS);
        s.addAll(Set.of(extra));
        return Set.copyOf(s);
    }
}
