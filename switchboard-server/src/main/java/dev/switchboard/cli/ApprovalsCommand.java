package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard approvals request|list|approve|reject}. */
@Command(name = "approvals", description = "Model access requests: ask, list, approve, reject.",
        subcommands = {ApprovalsCommand.Request.class, ApprovalsCommand.ListPending.class,
                ApprovalsCommand.Approve.class, ApprovalsCommand.Reject.class})
final class ApprovalsCommand {
    @Command(name = "request", description = "Ask for a model on behalf of a key or a team.")
    static final class Request extends AdminCommand {
        @Option(names = "--key", description = "Requesting key id.")
        String key;

        @Option(names = "--team", description = "Requesting team id or name.")
        String team;

        @Option(names = "--model", required = true, description = "The model wanted.")
        String model;

        @Option(names = "--reason", description = "Why.")
        String reason;

        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            if ((key == null) == (team == null)) {
                throw new AdminClient.AdminCallException("give exactly one of --key or --team");
            }
            ObjectNode body = Json.MAPPER.createObjectNode()
                    .put("requester_kind", key != null ? "key" : "team")
                    .put("requester_id", key != null ? key : team)
                    .put("model", model);
            if (reason != null) {
                body.put("reason", reason);
            }
            return client.send("POST", "/admin/approvals", body);
        }

        @Override
        void print(JsonNode r, PrintWriter out) {
            out.println("Requested " + text(r.get("model")) + " for " + text(r.get("requester_kind")) + " "
                    + text(r.get("requester_id")) + " (request " + text(r.get("id")) + ", pending)");
        }
    }

    @Command(name = "list", description = "List pending requests.")
    static final class ListPending extends AdminCommand {
        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            return client.get("/admin/approvals?status=pending");
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            Table t = new Table("ID", "REQUESTER", "MODEL", "REQUESTED", "REASON");
            for (JsonNode r : answer.path("data")) {
                t.row(text(r.get("id")), text(r.get("requester_kind")) + ":" + text(r.get("requester_id")),
                        text(r.get("model")), text(r.get("requested_at")), text(r.get("reason")));
            }
            t.print(out);
        }
    }

    @Command(name = "approve", description = "Approve: the model is added to the requester's allowed models.")
    static final class Approve extends AdminCommand {
        @Parameters(index = "0", description = "Request id.")
        String id;

        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            return client.send("POST", path("/admin/approvals", id) + "/approve", null);
        }

        @Override
        void print(JsonNode r, PrintWriter out) {
            out.println("Approved " + text(r.get("model")) + " for " + text(r.get("requester_kind")) + " "
                    + text(r.get("requester_id")));
        }
    }

    @Command(name = "reject", description = "Reject a request.")
    static final class Reject extends AdminCommand {
        @Parameters(index = "0", description = "Request id.")
        String id;

        @Option(names = "--note", description = "Why it was rejected.")
        String note;

        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            ObjectNode body = Json.MAPPER.createObjectNode();
            if (note != null) {
                body.put("note", note);
            }
            return client.send("POST", path("/admin/approvals", id) + "/reject", body);
        }

        @Override
        void print(JsonNode r, PrintWriter out) {
            out.println("Rejected " + text(r.get("model")) + " for " + text(r.get("requester_kind")) + " "
                    + text(r.get("requester_id")));
        }
    }
}
