package dev.switchboard.cache.stage;

import dev.switchboard.stage.Stage;
import dev.switchboard.stage.StageFactory;
import dev.switchboard.stage.StageSpec;
import java.util.ArrayList;
import java.util.List;

/** {@code type: cache}: the exact response cache (see {@link CacheSettings} for its settings). */
public final class ResponseCacheFactory implements StageFactory {
    @Override
    public String type() {
        return "cache";
    }

    @Override
    public List<String> problems(StageSpec spec) {
        return CacheSettings.problems(spec.settings());
    }

    @Override
    public Stage create(StageSpec spec) {
        List<String> problems = new ArrayList<>();
        return new ResponseCacheStage(spec.name(), CacheSettings.read(spec.settings(), problems));
    }
}
