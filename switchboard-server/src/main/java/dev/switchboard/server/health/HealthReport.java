package dev.switchboard.server.health;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.routing.BreakerSettings;
import dev.switchboard.routing.BreakerState;
import dev.switchboard.routing.ProviderHealth;
import dev.switchboard.routing.TargetRegistry;
import dev.switchboard.routing.TargetState;
import dev.switchboard.runtime.Snapshot;
import dev.switchboard.telemetry.ErrorDetail;
import java.util.Comparator;
import java.util.List;

/**
 * {@code GET /health/providers}: each provider's last health check and the breaker and statistics of each of its
 * targets, as the {@code check} command prints them. No keys, no URLs with credentials, no prompts.
 * <p>
 * For a caller that showed the telemetry token (or came through the telemetry listener) the report lists the
 * direct {@code provider/model} targets too (at most {@link TargetRegistry#MAX_DIRECT}) and error texts (capped).
 * Anyone else sees only configured targets, a count of the direct ones (clients chose those names: they may be
 * other tenants' models) and errors reduced to their class and HTTP status ({@link ErrorDetail#scrub}).
 * Runs on a worker thread: its cost grows with the number of targets.
 */
public final class HealthReport {
    private HealthReport() {}

    public static String json(Snapshot snapshot, TargetRegistry registry, boolean trusted) {
        BreakerSettings settings = snapshot.router().breaker();
        long now = System.nanoTime();
        List<TargetState> all = registry.all();
        List<TargetState> targets = trusted ? all : registry.configuredTargets();
        targets.sort(Comparator.comparing(TargetState::key));
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode providers = root.putArray("providers");
        for (ProviderEndpoint p : snapshot.resolver().providers().values()) {
            ProviderHealth h = registry.health(p.name());
            ObjectNode node = providers.addObject()
                    .put("name", p.name())
                    .put("type", p.type().name());
            if (h.healthy() == null) {
                node.putNull("healthy");
            } else {
                node.put("healthy", h.healthy());
            }
            node.put("latency_ms", h.latencyMillis()).put("last_error", detail(h.error(), trusted))
                    .put("checked_at_ms", h.checkedAtMillis());
            BreakerState worst = BreakerState.CLOSED;
            int others = 0;
            for (TargetState t : all) { // the provider's state counts every target, listed or not
                if (t.provider().equals(p.name())) {
                    BreakerState state = t.breaker().state(settings, now);
                    if (state.gauge() > 0 && (worst == BreakerState.CLOSED || state == BreakerState.OPEN)) {
                        worst = state;
                    }
                    others += t.configured() ? 0 : 1;
                }
            }
            ArrayNode list = node.putArray("targets");
            for (TargetState t : targets) {
                if (!t.provider().equals(p.name())) {
                    continue;
                }
                BreakerState state = t.breaker().state(settings, now);
                list.addObject()
                        .put("target", t.key())
                        .put("breaker", state.label())
                        .put("breaker_reason", state == BreakerState.CLOSED ? "" : detail(t.breaker().reason(), trusted))
                        .put("cooldown_left_ms", t.breaker().cooldownLeftMillis(settings, now))
                        .put("in_flight", t.stats().inFlight())
                        .put("ttft_ms", Math.round(t.stats().ttftMillis()))
                        .put("error_rate", Math.round(t.stats().errorRate() * 1000) / 1000.0)
                        .put("last_latency_ms", t.stats().lastLatencyMillis())
                        .put("last_error", detail(t.stats().lastError(), trusted));
            }
            if (!trusted) {
                node.put("other_targets", others);
            }
            node.put("breaker", worst.label());
        }
        return root.toString();
    }

    private static String detail(String text, boolean trusted) {
        return trusted ? ErrorDetail.cap(text) : ErrorDetail.scrub(text);
    }
}
