package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard cache stats|purge}: the gateway's response cache through the admin API. */
@Command(name = "cache", description = "Response cache stats and purges through the admin API.",
        subcommands = {CacheCommand.Stats.class, CacheCommand.Purge.class})
final class CacheCommand {
    @Command(name = "stats", description = "Each cache stage's hits, misses and bypasses; each store's counts.")
    static final class Stats extends AdminCommand {
        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            return client.get("/admin/cache");
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            Table stages = new Table("STAGE", "HITS", "MISSES", "BYPASSES", "HIT RATIO");
            for (JsonNode s : answer.path("stages")) {
                stages.row(text(s.get("stage")), text(s.get("hits")), text(s.get("misses")), text(s.get("bypasses")),
                        String.format(Locale.ROOT, "%.3f", s.path("hit_ratio").asDouble()));
            }
            stages.print(out);
            out.println();
            Table stores = new Table("STORE", "BACKEND", "ENTRIES", "BYTES", "WRITES", "EVICTIONS", "EXPIRIES", "FAILURES");
            for (JsonNode s : answer.path("stores")) {
                stores.row(text(s.get("store")), text(s.get("backend")), s.has("entries") ? text(s.get("entries")) : "-",
                        text(s.has("bytes") ? s.get("bytes") : s.get("bytes_written")), text(s.get("writes")),
                        text(s.get("evictions")), text(s.get("expiries")), text(s.get("failures")));
            }
            stores.print(out);
        }
    }

    @Command(name = "purge", description = "Remove cached answers: of a model, a key, a team, the shared namespace, or all.")
    static final class Purge extends AdminCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Scope scope;

        static final class Scope {
            @Option(names = "--model", description = "Every answer for this public model name (e.g. openai/gpt-4o).")
            String model;

            @Option(names = "--key", description = "A key's answers: its id (switchboard keys list), or cfg:<name> for a config key.")
            String key;

            @Option(names = "--team", description = "A team's answers (stages with namespace: team).")
            String team;

            @Option(names = "--shared", description = "The shared namespace's answers (stages with namespace: shared).")
            boolean shared;

            @Option(names = "--all", description = "Every cached answer.")
            boolean all;
        }

        @Override
        JsonNode call(AdminClient client) throws AdminClient.AdminCallException {
            ObjectNode body = Json.MAPPER.createObjectNode();
            if (scope.model != null) {
                body.put("model", scope.model);
            } else if (scope.key != null) {
                body.put("key", scope.key);
            } else if (scope.team != null) {
                body.put("team", scope.team);
            } else if (scope.shared) {
                body.put("shared", true);
            } else {
                body.put("all", true);
            }
            return client.send("POST", "/admin/cache/purge", body);
        }

        @Override
        void print(JsonNode answer, PrintWriter out) {
            String by = answer.path("purged").asText();
            String what = answer.has(by) ? " " + by + " " + text(answer.get(by)) : " " + by;
            out.println("Purged" + what + ": " + text(answer.get("removed")) + " entries removed");
        }
    }
}
