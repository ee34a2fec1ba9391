package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.json.Json;
import dev.switchboard.server.health.ProviderCheck;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints one row per provider: name, type, healthy, last latency, breaker state, last error. With
 * {@code --gateway} it asks a running gateway (its live health checks and breakers); otherwise it checks each
 * provider of the config once from here. Exits 1 when any provider is unhealthy.
 */
@Command(name = "check", description = "Check the health of each provider (live from a gateway, or once from a config).")
final class CheckCommand implements Callable<Integer> {
    private static final String FORMAT = "%-20s %-16s %-8s %-9s %-10s %s%n";

    @Option(names = {"-c", "--config"}, description = "Config file (YAML) whose providers to check from here.",
            defaultValue = "switchboard.yaml")
    Path config;

    @Option(names = {"-g", "--gateway"}, description = "Base URL of a running gateway, e.g. http://127.0.0.1:8080.")
    String gateway;

    @Option(names = {"-t", "--token"}, description = "The gateway's telemetry.token (default: $SWITCHBOARD_TELEMETRY_TOKEN).",
            defaultValue = "${env:SWITCHBOARD_TELEMETRY_TOKEN}")
    String token;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        out.printf(FORMAT, "NAME", "TYPE", "HEALTHY", "LATENCY", "BREAKER", "LAST ERROR");
        boolean allHealthy = true;
        if (gateway != null) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r;
            try {
                HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(gateway.replaceAll("/+$", "") + "/health/providers"))
                        .timeout(Duration.ofSeconds(10)).GET();
                if (token != null && !token.isBlank()) {
                    get.header("Authorization", "Bearer " + token.trim());
                }
                r = http.send(get.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                err.println("cannot reach " + gateway + ": " + e.getMessage());
                return 2;
            }
            if (r.statusCode() != 200) {
                err.println(gateway + " answered HTTP " + r.statusCode());
                return 2;
            }
            for (JsonNode p : Json.MAPPER.readTree(r.body()).path("providers")) {
                Boolean healthy = p.path("healthy").isNull() ? null : p.path("healthy").asBoolean();
                allHealthy &= healthy == null || healthy;
                String error = p.path("last_error").asText("");
                for (JsonNode t : p.path("targets")) {
                    if (!t.path("breaker").asText().equals("closed") && error.isEmpty()) {
                        error = t.path("target").asText() + ": " + t.path("breaker_reason").asText();
                    }
                }
                out.printf(FORMAT, p.path("name").asText(), p.path("type").asText(), yesNo(healthy),
                        latency(p.path("latency_ms").asLong(-1)), p.path("breaker").asText(), error);
            }
        } else {
            List<ProviderCheck.Row> rows;
            try {
                rows = ProviderCheck.run(ConfigLoader.withSystemEnv().load(config));
            } catch (ConfigException e) {
                err.println(config + " is invalid:");
                e.problems().forEach(p -> err.println("  " + p));
                return 2;
            }
            for (ProviderCheck.Row row : rows) {
                allHealthy &= row.healthy() == null || row.healthy();
                out.printf(FORMAT, row.name(), row.type(), yesNo(row.healthy()), latency(row.latencyMillis()), "-", row.error());
            }
        }
        out.flush();
        return allHealthy ? 0 : 1;
    }

    private static String yesNo(Boolean healthy) {
        return healthy == null ? "unknown" : healthy ? "yes" : "no";
    }

    private static String latency(long ms) {
        return ms < 0 ? "-" : ms + "ms";
    }
}
