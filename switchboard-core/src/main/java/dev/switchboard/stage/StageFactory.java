package dev.switchboard.stage;

import java.util.List;

/**
 * Makes stages of one type from the config. Found with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/dev.switchboard.stage.StageFactory} entry), so a stage can live in its own jar.
 */
public interface StageFactory {
    /** The {@code type} the config names it by: lower case, digits and underscores. */
    String type();

    /** What is wrong with these settings (each message names the field), empty when they are fine. */
    default List<String> problems(StageSpec spec) {
        return spec.settings() == null || spec.settings().isEmpty() ? List.of() : List.of("this stage takes no settings");
    }

    /** A stage for a config version; called only with settings that had no problems. */
    Stage create(StageSpec spec);
}
