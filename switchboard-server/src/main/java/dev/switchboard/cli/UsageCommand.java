package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard usage [--from --to --group-by --request-id --client-request-id]}. */
@Command(name = "usage", description = "Requests, tokens and cost over a time range.")
final class UsageCommand extends AdminCommand {
    @Option(names = "--from", description = "Start (ISO-8601 instant, inclusive).")
    String from;

    @Option(names = "--to", description = "End (ISO-8601 instant, exclusive).")
    String to;

    @Option(names = "--group-by", defaultValue = "model", description = "key, team, model or provider (default ${DEFAULT-VALUE}).")
    String groupBy;

    @Option(names = "--request-id", description = "Only the request with this gateway id (x-switchboard-request-id, "
            + "or x-request-id when the caller sent none).")
    String requestId;

    @Option(names = "--client-request-id", description = "Only requests the caller sent with this x-request-id.")
    String clientRequestId;

    @Override
    JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
        StringBuilder q = new StringBuilder("/admin/usage?group_by=").append(enc(groupBy));
        if (from != null) {
            q.append("&from=").append(enc(from));
        }
        if (to != null) {
            q.append("&to=").append(enc(to));
        }
        if (requestId != null) {
            q.append("&request_id=").append(enc(requestId));
        }
        if (clientRequestId != null) {
            q.append("&client_request_id=").append(enc(clientRequestId));
        }
        return client.get(q.toString());
    }

    @Override
    void print(JsonNode answer, PrintWriter out) {
        String group = answer.path("group_by").asText("group");
        Table t = new Table(group.toUpperCase(java.util.Locale.ROOT), "REQUESTS", "PROMPT", "COMPLETION", "CACHED",
                "REASONING", "COST USD", "ESTIMATED", "CACHE HITS", "SAVED USD");
        for (JsonNode r : answer.path("data")) {
            t.row(cells(text(r.get(group)), r));
        }
        t.row(cells("TOTAL", answer.path("totals")));
        t.print(out);
    }

    private static String[] cells(String name, JsonNode r) {
        return new String[] {name, text(r.get("requests")), text(r.get("prompt_tokens")),
                text(r.get("completion_tokens")), text(r.get("cached_tokens")), text(r.get("reasoning_tokens")),
                String.format(java.util.Locale.ROOT, "%.6f", r.path("cost_usd").asDouble()),
                text(r.get("estimated_requests")), // requests whose tokens the gateway estimated
                text(r.get("cache_hits")), String.format(java.util.Locale.ROOT, "%.6f", r.path("saved_usd").asDouble())};
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
