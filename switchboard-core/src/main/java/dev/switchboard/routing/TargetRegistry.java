package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live state per target and per provider, kept across config reloads (a reload must not close an open breaker
 * or forget latencies). Shared by all event loops.
 */
public final class TargetRegistry {
    private final Map<String, TargetState> targets = new ConcurrentHashMap<>();
    private final Map<String, ProviderHealth> health = new ConcurrentHashMap<>();

    public TargetState state(RouteTarget t) {
        TargetState s = targets.get(t.key());
        if (s != null) {
            return s;
        }
        return targets.computeIfAbsent(t.key(), k -> new TargetState(k, t.target().provider().name()));
    }

    public List<TargetState> all() {
        return new ArrayList<>(targets.values());
    }

    public ProviderHealth health(String provider) {
        return health.getOrDefault(provider, ProviderHealth.UNKNOWN);
    }

    public void health(String provider, ProviderHealth h) {
        health.put(provider, h);
    }
}
