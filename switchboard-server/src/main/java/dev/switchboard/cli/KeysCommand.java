package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard keys create|list|revoke}. */
@Command(name = "keys", description = "Manage client keys through the admin API.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand {
    @Command(name = "create", description = "Create a key; its secret is printed once and cannot be shown again.")
    static final class Create extends AdminCommand {
        @Parameters(index = "0", description = "Key name.")
        String name;

        @Option(names = "--team", description = "Team id or name.")
        String team;

        @Option(names = "--expires-in", description = "Lifetime such as 30d, 12h, 2w.")
        String expiresIn;

        @Option(names = "--expires-at", description = "Expiry as ISO-8601 instant.")
        String expiresAt;

        @Mixin
        PolicyOptions policy;

        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            ObjectNode body = Json.MAPPER.createObjectNode().put("name", name);
            if (team != null) {
                body.put("team", team);
            }
            if (expiresIn != null) {
                body.put("expires_in", expiresIn);
            }
            if (expiresAt != null) {
                body.put("expires_at", expiresAt);
            }
            policy.writeTo(body);
            return client.send("POST", "/admin/keys", body);
        }

        @Override
        void print(JsonNode k, PrintWriter out) {
            out.println("Created key " + text(k.get("name")) + " (id " + text(k.get("id")) + ", prefix "
                    + text(k.get("prefix")) + ")");
            out.println();
            out.println("    " + text(k.get("key")));
            out.println();
            out.println("WARNING: this is the only time the key is shown. Store it now; it cannot be shown again.");
        }
    }

    @Command(name = "list", description = "List keys (prefixes only, never secrets).")
    static final class ListKeys extends AdminCommand {
        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            return client.get("/admin/keys");
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            Table t = new Table("ID", "NAME", "PREFIX", "TEAM", "STATUS", "EXPIRES", "MODELS");
            for (JsonNode k : answer.path("data")) {
                String status = k.path("revoked").asBoolean() ? "revoked" : k.path("active").asBoolean() ? "active" : "expired";
                t.row(text(k.get("id")), text(k.get("name")), text(k.get("prefix")), text(k.get("team_id")), status,
                        text(k.get("expires_at")), models(k));
            }
            t.print(out);
        }
    }

    @Command(name = "revoke", description = "Revoke a key at once.")
    static final class Revoke extends AdminCommand {
        @Parameters(index = "0", description = "Key id.")
        String id;

        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            return client.send("POST", path("/admin/keys", id) + "/revoke", null);
        }

        @Override
        void print(JsonNode k, PrintWriter out) {
            out.println("Revoked key " + text(k.get("name")) + " (" + text(k.get("id")) + ")");
        }
    }

    static String models(JsonNode record) {
        JsonNode m = record.path("allowed_models");
        if (!m.isArray() || m.isEmpty()) {
            return "(all)";
        }
        java.util.List<String> names = new java.util.ArrayList<>();
        m.forEach(n -> names.add(n.asText()));
        return String.join(",", names);
    }
}
