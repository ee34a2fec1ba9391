package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live state per target and per provider, kept across config reloads (a reload must not close an open breaker
 * or forget latencies). Shared by all event loops.
 * <p>
 * Targets the config names are kept for good. Direct {@code provider/model} targets are named by clients, so at
 * most {@link #MAX_DIRECT} of them are kept: a new one evicts an arbitrary other. Losing a direct target's state
 * costs little: a direct call has one target, which its breaker never refuses (see {@code RoutedCall.alone}).
 */
public final class TargetRegistry {
    public static final int MAX_DIRECT = 512;

    /** Replaced whole on reload (copy on write): the request path reads it without a lock. */
    private volatile Map<String, TargetState> configured = Map.of();
    private final ConcurrentHashMap<String, TargetState> direct = new ConcurrentHashMap<>();
    private final Map<String, ProviderHealth> health = new ConcurrentHashMap<>();

    public TargetState state(RouteTarget t) {
        TargetState s = configured.get(t.key());
        if (s != null) {
            return s;
        }
        s = direct.get(t.key());
        if (s != null) {
            return s;
        }
        if (direct.size() >= MAX_DIRECT) {
            Iterator<String> any = direct.keySet().iterator();
            if (any.hasNext()) {
                direct.remove(any.next());
            }
        }
        return direct.computeIfAbsent(t.key(), k -> new TargetState(k, t.target().provider().name()));
    }

    /**
     * Marks the targets a config names (its routes, aliases and providers' declared models) as configured, keeping
     * the state they already have. Targets an earlier config named and this one does not become direct targets.
     */
    public synchronized void configure(Router router) {
        Map<String, TargetState> next = new HashMap<>();
        for (Route route : router.routes().values()) {
            for (Rule rule : route.rules()) {
                for (RouteTarget t : rule.targets()) {
                    keep(next, t.key(), t.target().provider().name());
                }
            }
        }
        ModelResolver resolver = router.resolver();
        for (String name : resolver.advertised()) {
            Target t = resolver.resolve(name);
            keep(next, t.provider().name() + "/" + t.upstreamModel(), t.provider().name());
        }
        for (TargetState old : configured.values()) {
            if (!next.containsKey(old.key()) && direct.size() < MAX_DIRECT) {
                direct.putIfAbsent(old.key(), old.configured(false));
            }
        }
        configured = Map.copyOf(next);
    }

    private void keep(Map<String, TargetState> next, String key, String provider) {
        if (next.containsKey(key)) {
            return;
        }
        TargetState s = configured.get(key);
        if (s == null) {
            s = direct.remove(key);
        }
        next.put(key, s == null ? new TargetState(key, provider).configured(true) : s.configured(true));
    }

    /** Every target with live state: the configured ones and the direct ones still kept. */
    public List<TargetState> all() {
        List<TargetState> out = new ArrayList<>(configured.values());
        out.addAll(direct.values());
        return out;
    }

    /** The targets the config names. */
    public List<TargetState> configuredTargets() {
        return new ArrayList<>(configured.values());
    }

    /** How many direct targets have state now (at most {@link #MAX_DIRECT}). */
    public int directCount() {
        return direct.size();
    }

    public ProviderHealth health(String provider) {
        return health.getOrDefault(provider, ProviderHealth.UNKNOWN);
    }

    public void health(String provider, ProviderHealth h) {
        health.put(provider, h);
    }
}
