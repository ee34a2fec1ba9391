package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard audit [--since --limit]}. */
@Command(name = "audit", description = "The trail of administrative changes, oldest first.")
final class AuditCommand extends AdminCommand {
    @Option(names = "--since", description = "Only entries at or after this ISO-8601 instant.")
    String since;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many entries (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
        String q = "/admin/audit?limit=" + limit;
        if (since != null) {
            q += "&since=" + URLEncoder.encode(since, StandardCharsets.UTF_8);
        }
        return client.get(q);
    }

    @Override
    void print(JsonNode answer, PrintWriter out) {
        Table t = new Table("AT", "ACTOR", "ACTION", "TARGET", "DETAILS");
        for (JsonNode e : answer.path("data")) {
            t.row(text(e.get("at")), text(e.get("actor")), text(e.get("action")),
                    text(e.get("target_kind")) + ":" + text(e.get("target_id")), text(e.get("details")));
        }
        t.print(out);
    }
}
