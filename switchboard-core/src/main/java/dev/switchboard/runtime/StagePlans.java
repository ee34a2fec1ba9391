package dev.switchboard.runtime;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.StagesConfig;
import dev.switchboard.stage.Stage;
import dev.switchboard.stage.StageCatalogue;
import dev.switchboard.stage.StagePlan;
import dev.switchboard.stage.StageSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Makes a config version's stages; a stage that cannot be made fails the config (at start or reload) with its path. */
final class StagePlans {
    private StagePlans() {}

    static StagePlan build(StagesConfig config, StageCatalogue catalogue) {
        if (config.isEmpty()) {
            return StagePlan.NONE;
        }
        List<String> problems = new ArrayList<>();
        List<Stage> made = new ArrayList<>();
        List<Stage> global = make(config.global(), catalogue, problems, made);
        Map<String, List<Stage>> byTeam = make(config.byTeam(), "", catalogue, problems, made);
        Map<String, List<Stage>> byKey = make(config.byKey(), "cfg:", catalogue, problems, made);
        Map<String, List<Stage>> byRoute = make(config.byRoute(), "", catalogue, problems, made);
        if (!problems.isEmpty()) {
            made.forEach(StagePlans::closeQuietly);
            throw new ConfigException(problems);
        }
        return new StagePlan(global, byTeam, byKey, byRoute);
    }

    private static Map<String, List<Stage>> make(Map<String, List<StageSpec>> specs, String prefix, StageCatalogue catalogue,
                                                 List<String> problems, List<Stage> made) {
        Map<String, List<Stage>> out = new LinkedHashMap<>();
        specs.forEach((name, list) -> out.put(prefix + name, make(list, catalogue, problems, made)));
        return out;
    }

    private static List<Stage> make(List<StageSpec> specs, StageCatalogue catalogue, List<String> problems, List<Stage> made) {
        List<Stage> out = new ArrayList<>();
        for (StageSpec spec : specs) {
            try {
                Stage s = catalogue.find(spec.type()).create(spec);
                made.add(s);
                out.add(s);
            } catch (RuntimeException e) {
                problems.add(spec.path() + ": the stage could not be started ("
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
            }
        }
        return out;
    }

    static void closeQuietly(Stage s) {
        try {
            s.close();
        } catch (RuntimeException e) {
            // closing is best effort: the config that made it is gone either way
        }
    }
}
