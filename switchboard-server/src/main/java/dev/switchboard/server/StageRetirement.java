package dev.switchboard.server;

import dev.switchboard.stage.Stage;
import dev.switchboard.stage.StagePlan;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the stages of a replaced config once the requests that started under it are over: a request keeps its
 * snapshot to the end, so its stages stay open for the longest a request may take ({@code timeouts.total}) and a
 * margin. A stage kept by the new plan (the same instance) is not closed.
 */
final class StageRetirement {
    private static final Logger LOG = LoggerFactory.getLogger(StageRetirement.class);
    static final Duration MARGIN = Duration.ofSeconds(30);
    /** {@link #MARGIN}; tests shorten it to see what closing a replaced config's stages frees. */
    private static volatile Duration margin = MARGIN;
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-stage-retirement");
        t.setDaemon(true);
        return t;
    });

    private StageRetirement() {}

    static void retire(StagePlan old, StagePlan next, Duration longestRequest) {
        if (old == next || old.isEmpty()) {
            return;
        }
        Set<Stage> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        kept.addAll(next.all());
        List<Stage> gone = old.all().stream().filter(s -> !kept.contains(s)).toList();
        if (gone.isEmpty()) {
            return;
        }
        TIMER.schedule(() -> gone.forEach(StageRetirement::close), longestRequest.plus(margin).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** For tests: the margin after the longest request before a replaced config's stages close. */
    static void margin(Duration next) {
        margin = next;
    }

    private static void close(Stage s) {
        try {
            s.close();
        } catch (Throwable e) { // one stage's Error must not keep the others of the batch open
            LOG.warn("stage '{}' failed to close: {}", s.name(), e.getClass().getName());
        }
    }
}
