package dev.switchboard.server.health;

import dev.switchboard.config.HealthCheckConfig;
import dev.switchboard.config.ProviderConfig;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.routing.ProviderHealth;
import dev.switchboard.routing.TargetRegistry;
import dev.switchboard.routing.TargetState;
import dev.switchboard.runtime.Snapshot;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each provider's active health check on its interval and records the result in the target registry.
 * After {@code unhealthy_after} failures in a row the breakers of the provider's targets open, so routes stop
 * sending traffic there before clients notice; a half-open probe (a real request) closes them again.
 * The provider list is read from the current snapshot on every round, so reloads add and remove checks.
 */
public final class HealthChecker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);
    private static final long TICK_MS = 1000;

    private final Vertx vertx;
    private final Supplier<Snapshot> snapshots;
    private final TargetRegistry registry;
    private final HttpClient client;
    private final HealthProbe probe;
    private final java.util.Map<String, Long> nextDue = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<String> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private long timer = -1;

    public HealthChecker(Vertx vertx, Supplier<Snapshot> snapshots, TargetRegistry registry) {
        this.vertx = vertx;
        this.snapshots = snapshots;
        this.registry = registry;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
        this.probe = new HealthProbe(client);
    }

    public void start() {
        vertx.runOnContext(v -> {
            tick();
            timer = vertx.setPeriodic(TICK_MS, id -> tick());
        });
    }

    private void tick() {
        Snapshot s = snapshots.get();
        long now = System.currentTimeMillis();
        for (ProviderConfig pc : s.config().providers()) {
            HealthCheckConfig hc = pc.healthCheck();
            if (hc == null || running.contains(pc.name()) || nextDue.getOrDefault(pc.name(), 0L) > now) {
                continue;
            }
            ProviderEndpoint p = s.resolver().providers().get(pc.name());
            running.add(pc.name());
            nextDue.put(pc.name(), now + hc.interval().toMillis());
            probe.check(p, hc).onComplete(ar -> {
                running.remove(pc.name());
                record(pc.name(), hc, ar.result());
            });
        }
    }

    private void record(String provider, HealthCheckConfig hc, HealthProbe.Result r) {
        ProviderHealth before = registry.health(provider);
        int failures = r.healthy() ? 0 : before.consecutiveFailures() + 1;
        registry.health(provider, new ProviderHealth(r.healthy(), r.latencyMillis(), r.error(),
                System.currentTimeMillis(), failures));
        if (failures == hc.unhealthyAfter()) {
            LOG.warn("provider {} failed {} health checks in a row: {}", provider, failures, r.error());
            long now = System.nanoTime();
            for (TargetState t : registry.all()) {
                if (t.provider().equals(provider)) {
                    t.breaker().forceOpen(now, "health check failed: " + r.error());
                }
            }
        } else if (r.healthy() && before.healthy() == Boolean.FALSE) {
            LOG.info("provider {} passes its health check again", provider);
        }
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        client.close();
    }
}
