package dev.switchboard.server.health;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.HealthCheckConfig;
import dev.switchboard.config.ProviderConfig;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.runtime.Snapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.switchboard.server.demo.DemoUpstream;

/**
 * Checks every provider of a config once, from this process (the {@code check} command without a running
 * gateway): each provider's configured health check, or a default one (the model list for OpenAI-dialect and
 * Gemini providers, a one-token chat to its first declared model for the others).
 */
public final class ProviderCheck {
    /** One provider's row; {@code healthy} is null when it could not be checked (the reason is in {@code error}). */
    public record Row(String name, String type, Boolean healthy, long latencyMillis, String error) {}

    private ProviderCheck() {}

    public static List<Row> run(GatewayConfig config) {
        Vertx vertx = Vertx.vertx();
        try {
            int demoPort = new DemoUpstream(vertx).start().await(10, TimeUnit.SECONDS);
            String demoUrl = "http://127.0.0.1:" + demoPort + "/v1";
            Snapshot s = Snapshot.build(config, ProviderCatalogue.bundled(), type -> demoUrl);
            HttpClient client = vertx.createHttpClient();
            HealthProbe probe = new HealthProbe(client);
            List<Future<Row>> rows = new ArrayList<>();
            long waitMs = 0;
            for (ProviderConfig pc : config.providers()) {
                ProviderEndpoint p = s.resolver().providers().get(pc.name());
                HealthCheckConfig hc = pc.healthCheck() != null ? pc.healthCheck() : defaultCheck(p);
                if (hc == null) {
                    rows.add(Future.succeededFuture(new Row(p.name(), p.type().name(), null, -1,
                            "not checked: declare models or a health_check with kind: chat")));
                    continue;
                }
                waitMs = Math.max(waitMs, hc.timeout().toMillis());
                rows.add(probe.check(p, hc).map(r -> new Row(p.name(), p.type().name(), r.healthy(), r.latencyMillis(), r.error())));
            }
            return Future.all(rows).await(waitMs + 10_000, TimeUnit.MILLISECONDS).list();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the checks did not finish in time", e);
        } finally {
            vertx.close();
        }
    }

    private static HealthCheckConfig defaultCheck(ProviderEndpoint p) {
        String dialect = p.type().dialect();
        Duration timeout = Duration.ofSeconds(10); // a one-off check from a cold JVM: the first connection is slow
        if (dialect.equals("openai") || dialect.equals("gemini")) {
            return new HealthCheckConfig(Duration.ofSeconds(30), timeout, HealthCheckConfig.Kind.MODELS, null, 1);
        }
        if (p.models().isEmpty()) {
            return null;
        }
        return new HealthCheckConfig(Duration.ofSeconds(30), timeout, HealthCheckConfig.Kind.CHAT, p.models().get(0), 1);
    }
}
