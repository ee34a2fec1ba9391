package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code switchboard credentials add|list|delete|rotate}. Secrets are read from a file, an environment variable
 * or standard input (prompted without echo on a terminal), never taken as arguments.
 */
@Command(name = "credentials", description = "Upstream provider credentials, stored encrypted.",
        subcommands = {CredentialsCommand.Add.class, CredentialsCommand.ListCredentials.class,
                CredentialsCommand.Delete.class, CredentialsCommand.Rotate.class})
final class CredentialsCommand {
    @Command(name = "add", description = "Store a provider API key (read from --api-key-file, --api-key-env or stdin).")
    static final class Add extends AdminCommand {
        @Option(names = "--provider", required = true, description = "Provider name.")
        String provider;

        @Option(names = "--label", description = "A label to recognise it by.")
        String label;

        @Option(names = "--api-key-file", description = "File holding the API key.")
        Path file;

        @Option(names = "--api-key-env", description = "Environment variable holding the API key.")
        String env;

        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            ObjectNode body = Json.MAPPER.createObjectNode().put("provider", provider);
            if (label != null) {
                body.put("label", label);
            }
            body.put("api_key", SecretInput.read(file, env, "API key"));
            return client.send("POST", "/admin/credentials", body);
        }

        @Override
        void print(JsonNode c, PrintWriter out) {
            out.println("Stored credential " + text(c.get("id")) + " for " + text(c.get("provider")));
        }
    }

    @Command(name = "list", description = "List credentials (metadata only).")
    static final class ListCredentials extends AdminCommand {
        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            return client.get("/admin/credentials");
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            Table t = new Table("ID", "PROVIDER", "LABEL", "MASTER KEY", "CREATED");
            for (JsonNode c : answer.path("data")) {
                t.row(text(c.get("id")), text(c.get("provider")), text(c.get("label")),
                        text(c.get("master_key_fingerprint")), text(c.get("created_at")));
            }
            t.print(out);
        }
    }

    @Command(name = "delete", description = "Delete a credential.")
    static final class Delete extends AdminCommand {
        @Parameters(index = "0", description = "Credential id.")
        String id;

        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            return client.send("DELETE", path("/admin/credentials", id), null);
        }

        @Override
        void print(JsonNode c, PrintWriter out) {
            out.println("Deleted credential " + text(c.get("id")));
        }
    }

    @Command(name = "rotate", description = "Re-encrypt every credential under a new master key "
            + "(read from --new-master-key-file, --new-master-key-env or stdin).")
    static final class Rotate extends AdminCommand {
        @Option(names = "--new-master-key-file", description = "File holding the new key (base64 of 32 bytes).")
        Path file;

        @Option(names = "--new-master-key-env", description = "Environment variable holding the new key.")
        String env;

        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            ObjectNode body = Json.MAPPER.createObjectNode()
                    .put("new_master_key", SecretInput.read(file, env, "new master key"));
            return client.send("POST", "/admin/credentials/rotate", body);
        }

        @Override
        void print(JsonNode r, PrintWriter out) {
            out.println("Re-encrypted " + text(r.get("rotated")) + " credential(s) under master key "
                    + text(r.get("master_key_fingerprint")) + ".");
            out.println("IMPORTANT: " + text(r.get("message")));
        }
    }
}
