package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code switchboard teams create|list|update|delete}. */
@Command(name = "teams", description = "Manage teams through the admin API.",
        subcommands = {TeamsCommand.Create.class, TeamsCommand.ListTeams.class, TeamsCommand.Update.class,
                TeamsCommand.Delete.class})
final class TeamsCommand {
    @Command(name = "create", description = "Create a team.")
    static final class Create extends AdminCommand {
        @Parameters(index = "0", description = "Team name.")
        String name;

        @Mixin
        PolicyOptions policy;

        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            ObjectNode body = Json.MAPPER.createObjectNode().put("name", name);
            policy.writeTo(body);
            return client.send("POST", "/admin/teams", body);
        }

        @Override
        void print(JsonNode t, PrintWriter out) {
            out.println("Created team " + text(t.get("name")) + " (id " + text(t.get("id")) + ")");
        }
    }

    @Command(name = "list", description = "List teams.")
    static final class ListTeams extends AdminCommand {
        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            return client.get("/admin/teams");
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            Table t = new Table("ID", "NAME", "MODELS", "BUDGET");
            for (JsonNode team : answer.path("data")) {
                JsonNode b = team.path("budget");
                t.row(text(team.get("id")), text(team.get("name")), KeysCommand.models(team),
                        b.isObject() ? b.path("usd").decimalValue().toPlainString() + " USD/" + b.path("period").asText() : "-");
            }
            t.print(out);
        }
    }

    @Command(name = "update", description = "Change a team's policy (only the options given).")
    static final class Update extends AdminCommand {
        @Parameters(index = "0", description = "Team id or name.")
        String id;

        @Mixin
        PolicyOptions policy;

        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            ObjectNode body = Json.MAPPER.createObjectNode();
            policy.writeTo(body);
            return client.send("PATCH", path("/admin/teams", id), body);
        }

        @Override
        void print(JsonNode t, PrintWriter out) {
            out.println("Updated team " + text(t.get("name")) + " (id " + text(t.get("id")) + ")");
        }
    }

    @Command(name = "delete", description = "Delete a team that has no keys.")
    static final class Delete extends AdminCommand {
        @Parameters(index = "0", description = "Team id or name.")
        String id;

        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            return client.send("DELETE", path("/admin/teams", id), null);
        }

        @Override
        void print(JsonNode t, PrintWriter out) {
            out.println("Deleted team " + text(t.get("id")));
        }
    }
}
