package dev.switchboard.telemetry;

import dev.switchboard.routing.BreakerSettings;
import dev.switchboard.routing.TargetState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Per-target routing metrics: attempts by outcome, retries, fallbacks, and each breaker's state as a gauge
 * (0 closed, 1 open, 2 half-open). Thread-safe; counters are cached by label set.
 * Only configured targets are named: a direct {@code provider/model} target, whose name a client chose, counts
 * as target {@value #OTHER} of its provider and has no breaker gauge, so the series stay bounded by the config.
 */
public final class RoutingMetrics {
    private final MeterRegistry registry;
    private final Supplier<BreakerSettings> settings;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final Set<String> gauges = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, Counter> successes = new ConcurrentHashMap<>();
    /** Successes of direct targets, by provider. */
    private final ConcurrentHashMap<String, Counter> otherSuccesses = new ConcurrentHashMap<>();
    private static final String SUCCESS = "success";
    static final String OTHER = "other";

    public RoutingMetrics(GatewayMetrics metrics, Supplier<BreakerSettings> settings) {
        this.registry = metrics.registry();
        this.settings = settings;
    }

    /** {@code outcome}: success, or the failure class (connect, timeout, server_error, rate_limited, …). */
    public void attempt(TargetState target, String outcome) {
        watch(target);
        if (SUCCESS.equals(outcome)) { // the common case, looked up without building a key string
            ConcurrentHashMap<String, Counter> byKey = target.configured() ? successes : otherSuccesses;
            String key = target.configured() ? target.key() : target.provider();
            Counter c = byKey.get(key);
            if (c == null) {
                c = attempts(target, outcome);
                byKey.putIfAbsent(key, c);
            }
            c.increment();
            return;
        }
        attempts(target, outcome).increment();
    }

    private Counter attempts(TargetState target, String outcome) {
        return counter("switchboard.upstream.attempts", "Upstream attempts per target and outcome", target, "outcome", outcome);
    }

    public void retry(TargetState target) {
        counter("switchboard.upstream.retries", "Attempts that repeated a failed attempt on the same target",
                target, "route", "").increment();
    }

    public void fallback(TargetState from, String route, String reason) {
        String key = "fb|" + route + "|" + from.provider() + "|" + label(from) + "|" + reason;
        Counter c = counters.get(key);
        if (c == null) {
            c = counters.computeIfAbsent(key, k -> Counter.builder("switchboard.route.fallbacks")
                    .description("Requests moved from a target to the next one of their route")
                    .tags("route", route, "gen_ai.provider.name", from.provider(), "target", label(from), "reason", reason)
                    .register(registry));
        }
        c.increment();
    }

    /** Registers the breaker gauge of a configured target the first time it is seen. */
    public void watch(TargetState target) {
        // contains first: an add of a present key still locks its bin, on every attempt
        if (target.configured() && !gauges.contains(target.key()) && gauges.add(target.key())) {
            Gauge.builder("switchboard.breaker.state", target,
                            t -> t.breaker().state(settings.get(), System.nanoTime()).gauge())
                    .description("Circuit breaker state per target: 0 closed, 1 open, 2 half-open")
                    .tags("gen_ai.provider.name", target.provider(), "target", target.key())
                    .register(registry);
        }
    }

    private Counter counter(String name, String description, TargetState target, String tag, String value) {
        String key = name + "|" + target.provider() + "|" + label(target) + "|" + value;
        Counter c = counters.get(key);
        if (c == null) {
            c = counters.computeIfAbsent(key, k -> {
                Counter.Builder b = Counter.builder(name).description(description)
                        .tags("gen_ai.provider.name", target.provider(), "target", label(target));
                if (!value.isEmpty()) {
                    b.tag(tag, value);
                }
                return b.register(registry);
            });
        }
        return c;
    }

    private static String label(TargetState target) {
        return target.configured() ? target.key() : OTHER;
    }
}
