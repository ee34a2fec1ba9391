package dev.switchboard.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import dev.switchboard.store.Store;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.store.repository.TeamRecord;
import io.vertx.core.http.HttpMethod;
import java.util.HashSet;
import java.util.Set;

/** {@code /admin/teams}: create, list, read, update and delete teams. */
final class TeamsApi {
    private static final Set<String> CREATE_FIELDS = with("name");
    private static final Set<String> PATCH_FIELDS = with();

    private final Store store;

    TeamsApi(Store store) {
        this.store = store;
    }

    void register(AdminRoutes routes) {
        routes.add(HttpMethod.POST, "teams", this::create)
                .add(HttpMethod.GET, "teams", c -> AdminReply.ok(AdminViews.list(store.teams().list(), AdminViews::team)))
                .add(HttpMethod.GET, "teams/{id}", c -> AdminReply.ok(AdminViews.team(find(c.param("id")))))
                .add(HttpMethod.PATCH, "teams/{id}", this::update)
                .add(HttpMethod.DELETE, "teams/{id}", this::delete);
    }

    private AdminReply create(AdminCall call) {
        ObjectNode body = AdminInput.object(call.body(), CREATE_FIELDS);
        String name = AdminInput.requiredText(body, "name");
        AccessPolicy policy = PolicyInput.merge(AccessPolicy.OPEN, body);
        if (store.teams().findByName(name).isPresent()) {
            throw AdminException.conflict("A team named '" + name + "' already exists.");
        }
        return AdminReply.created(AdminViews.team(store.teams().create(call.actor(), name, policy)));
    }

    private AdminReply update(AdminCall call) {
        TeamRecord team = find(call.param("id"));
        ObjectNode body = AdminInput.object(call.body(), PATCH_FIELDS);
        AccessPolicy policy = PolicyInput.merge(team.policy(), body);
        return AdminReply.ok(AdminViews.team(store.teams().updatePolicy(call.actor(), team.id(), policy)));
    }

    private AdminReply delete(AdminCall call) {
        TeamRecord team = find(call.param("id"));
        long members = store.keys().list().stream().filter(k -> team.id().equals(k.teamId())).count();
        if (members > 0) {
            throw AdminException.conflict("Team '" + team.name() + "' still has " + members
                    + " key(s); revoke and move or delete them first.");
        }
        store.teams().delete(call.actor(), team.id());
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", team.id());
        o.put("deleted", true);
        return AdminReply.ok(o);
    }

    /** By id, or by name for convenience. */
    TeamRecord find(String idOrName) {
        return store.teams().get(idOrName).or(() -> store.teams().findByName(idOrName))
                .orElseThrow(() -> AdminException.notFound("No team '" + idOrName + "'."));
    }

    private static Set<String> with(String... extra) {
        Set<String> s = new HashSet<>(PolicyInput.FIELDS);
        s.addAll(Set.of(extra));
        return Set.copyOf(s);
    }
}
