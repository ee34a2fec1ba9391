package dev.switchboard.stage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stages of one config version, by scope; {@link #forCall} gives a call's list: global, then its team's, its
 * key's and its route's, each as written. Immutable and shared by every event loop.
 */
public final class StagePlan {
    public static final StagePlan NONE = new StagePlan(List.of(), Map.of(), Map.of(), Map.of());

    private final List<Stage> global;
    private final Map<String, List<Stage>> byTeam;
    private final Map<String, List<Stage>> byKey;
    private final Map<String, List<Stage>> byRoute;
    private final boolean empty;

    /** @param byKey by the caller's id (a config key's is {@code cfg:<name>}) */
    public StagePlan(List<Stage> global, Map<String, List<Stage>> byTeam, Map<String, List<Stage>> byKey,
                     Map<String, List<Stage>> byRoute) {
        this.global = List.copyOf(global);
        this.byTeam = Map.copyOf(byTeam);
        this.byKey = Map.copyOf(byKey);
        this.byRoute = Map.copyOf(byRoute);
        this.empty = global.isEmpty() && byTeam.isEmpty() && byKey.isEmpty() && byRoute.isEmpty();
    }

    public boolean isEmpty() {
        return empty;
    }

    /** The stages of a call, in order; an empty list (no allocation) when none apply. Arguments may be null. */
    public List<Stage> forCall(String keyId, String team, String route) {
        if (empty) {
            return List.of();
        }
        List<Stage> t = team == null ? List.of() : byTeam.getOrDefault(team, List.of());
        List<Stage> k = keyId == null ? List.of() : byKey.getOrDefault(keyId, List.of());
        List<Stage> r = route == null ? List.of() : byRoute.getOrDefault(route, List.of());
        if (t.isEmpty() && k.isEmpty() && r.isEmpty()) {
            return global;
        }
        List<Stage> all = new ArrayList<>(global.size() + t.size() + k.size() + r.size());
        all.addAll(global);
        all.addAll(t);
        all.addAll(k);
        all.addAll(r);
        return all;
    }

    /** Every stage instance once, for closing them when the config is replaced. */
    public List<Stage> all() {
        List<Stage> all = new ArrayList<>(global);
        byTeam.values().forEach(all::addAll);
        byKey.values().forEach(all::addAll);
        byRoute.values().forEach(all::addAll);
        return all;
    }
}
