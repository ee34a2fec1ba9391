package dev.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.NearMiss;
import dev.switchboard.routing.BreakerSettings;
import dev.switchboard.routing.RetryOn;
import dev.switchboard.routing.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads the retry policy, the breaker settings and providers' health checks. */
final class ResilienceReader {
    private static final Set<String> RETRY = Set.of("retries", "backoff", "max_backoff", "max_retry_after", "on");
    private static final Set<String> BREAKER = Set.of("enabled", "consecutive_failures", "failure_rate", "min_requests",
            "window", "cooldown", "half_open_probes");
    private static final Set<String> HEALTH = Set.of("interval", "timeout", "kind", "model", "unhealthy_after");

    private ResilienceReader() {}

    static RetryPolicy retry(JsonNode n, String path, RetryPolicy d, Reader r) {
        if (n == null || !r.object(n, path)) {
            return d;
        }
        r.fields(n, path, RETRY);
        int retries = r.integer(n, "retries", path, d.retries(), 0, 10);
        Duration backoff = r.duration(n, "backoff", path, d.backoff());
        Duration maxBackoff = r.duration(n, "max_backoff", path, d.maxBackoff());
        Duration maxRetryAfter = r.duration(n, "max_retry_after", path, d.maxRetryAfter());
        Set<RetryOn> on = d.on();
        if (n.has("on")) {
            on = r.words(n, "on", path, RetryOn.class, RetryOn::configName, "condition");
        }
        return new RetryPolicy(retries, backoff, maxBackoff, maxRetryAfter, on);
    }

    static BreakerSettings breaker(JsonNode n, Reader r) {
        BreakerSettings d = BreakerSettings.DEFAULTS;
        String path = "breaker";
        if (n == null || !r.object(n, path)) {
            return d;
        }
        r.fields(n, path, BREAKER);
        return new BreakerSettings(
                r.bool(n, "enabled", path, d.enabled()),
                r.integer(n, "consecutive_failures", path, d.consecutiveFailures(), 1, 1000),
                r.number(n, "failure_rate", path, d.failureRate(), 0.01, 1.0),
                r.integer(n, "min_requests", path, d.minRequests(), 1, 100_000),
                r.duration(n, "window", path, d.window()),
                r.duration(n, "cooldown", path, d.cooldown()),
                r.integer(n, "half_open_probes", path, d.halfOpenProbes(), 1, 100));
    }

    static HealthCheckConfig healthCheck(JsonNode n, String path, Reader r) {
        if (n == null || !r.object(n, path)) {
            return null;
        }
        r.fields(n, path, HEALTH);
        String kindText = r.string(n, "kind", path, false);
        HealthCheckConfig.Kind kind = HealthCheckConfig.Kind.MODELS;
        if (kindText != null) {
            try {
                kind = HealthCheckConfig.Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                r.problems.add(path + ".kind", "expected 'models' or 'chat', got '" + kindText + "'"
                        + NearMiss.hint(kindText, List.of("models", "chat")));
            }
        }
        String model = r.string(n, "model", path, false);
        if (kind == HealthCheckConfig.Kind.CHAT && model == null) {
            r.problems.add(path + ".model", "required when kind is 'chat'");
        }
        return new HealthCheckConfig(r.duration(n, "interval", path, Duration.ofSeconds(30)),
                r.duration(n, "timeout", path, Duration.ofSeconds(5)), kind, model,
                r.integer(n, "unhealthy_after", path, 2, 1, 100));
    }
}
