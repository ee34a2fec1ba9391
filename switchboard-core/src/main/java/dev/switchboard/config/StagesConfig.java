package dev.switchboard.config;

import dev.switchboard.stage.StageSpec;
import java.util.List;
import java.util.Map;

/**
 * The stages the config names: for every call ({@code stages:}), and for the calls of a team ({@code teams[].stages}),
 * a key ({@code keys[].stages}) and a route ({@code routes[].stages}). A call runs them in that order: global, team,
 * key, route, each list as written.
 */
public record StagesConfig(List<StageSpec> global, Map<String, List<StageSpec>> byTeam,
                           Map<String, List<StageSpec>> byKey, Map<String, List<StageSpec>> byRoute) {
    public static final StagesConfig NONE = new StagesConfig(List.of(), Map.of(), Map.of(), Map.of());

    public StagesConfig {
        global = List.copyOf(global);
        byTeam = Map.copyOf(byTeam);
        byKey = Map.copyOf(byKey);
        byRoute = Map.copyOf(byRoute);
    }

    public boolean isEmpty() {
        return global.isEmpty() && byTeam.isEmpty() && byKey.isEmpty() && byRoute.isEmpty();
    }
}
