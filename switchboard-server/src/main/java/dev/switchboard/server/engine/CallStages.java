package dev.switchboard.server.engine;

import dev.switchboard.server.call.ClientOutcomes;
import dev.switchboard.server.call.Exchange;
import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.stage.Stage;
import dev.switchboard.stage.StageAnswer;
import dev.switchboard.stage.StageOutcome;
import dev.switchboard.stage.StageRun;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an exchange's stages — the built-in recording and admission, then the configured ones — at the engine's four
 * places: before the routed call (the request hooks), on a whole answer before it is encoded, around a stream's
 * events, and when the exchange finishes (the outcome hooks, recording's last). A hook that completes at once
 * continues inline; one that waits resumes on the exchange's event loop. One instance per event loop.
 */
final class CallStages {
    private static final Logger LOG = LoggerFactory.getLogger(CallStages.class);
    /** How long one hook may take when the config sets no total timeout. */
    private static final Duration DEFAULT_HOOK_TIME = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final OutcomeRecorder recorder;
    private final StageAnswerWriter writer;

    /** Today's steps as the first stages of every call: recording outermost, then admission. */
    private final List<Stage> builtIn;

    CallStages(Vertx vertx, OutcomeRecorder recorder, AdmissionControl admission) {
        this.vertx = vertx;
        this.recorder = recorder;
        this.writer = new StageAnswerWriter(recorder);
        this.builtIn = List.of(new RecordingStage(recorder), new AdmissionStage(admission));
    }

    private List<Stage> withBuiltIn(List<Stage> configured) {
        List<Stage> all = new java.util.ArrayList<>(builtIn.size() + configured.size());
        all.addAll(builtIn);
        all.addAll(configured);
        return all;
    }

    private static boolean builtInName(String stage) {
        return AdmissionStage.NAME.equals(stage) || RecordingStage.NAME.equals(stage);
    }

    /**
     * The request hooks; then {@code next} with {@code ex.request} as the stages left it, unless a stage answered or
     * refused the call (then it is answered here).
     */
    void beforeCall(Exchange ex, RoutePlan plan, Runnable next) {
        List<Stage> configured = ex.snapshot.stages().forCall(ex.key == null ? null : ex.key.id(),
                ex.key == null ? null : ex.key.team(), plan.route());
        List<Stage> stages = configured.isEmpty() ? builtIn : withBuiltIn(configured);
        Context context = vertx.getOrCreateContext();
        // a hook that completes on the call's own loop (a Vert.x future) continues at once, without a new task
        Executor loop = task -> {
            if (Vertx.currentContext() == context) {
                task.run();
            } else {
                context.runOnContext(v -> task.run());
            }
        };
        StageRun run = new StageRun(stages, new StageCallView(ex, plan), ex.request, loop, hookMillis(ex));
        ex.stages = run;
        run.runRequest(new StageRun.RequestListener() {
            @Override
            public void proceed(ModelRequest request) {
                recorder.guarded(ex, () -> {
                    if (leftWhileWaiting(ex)) {
                        return;
                    }
                    ex.request = request;
                    next.run();
                });
            }

            @Override
            public void respond(StageAnswer answer, String stage) {
                recorder.guarded(ex, () -> {
                    ex.answeredBy = stage;
                    if (leftWhileWaiting(ex)) {
                        return;
                    }
                    answerFromStage(ex, answer, stage);
                });
            }

            @Override
            public void refuse(GatewayException error, String stage) {
                recorder.guarded(ex, () -> {
                    ex.answeredBy = builtInName(stage) ? null : stage; // a limit's refusal is no stage's answer
                    if (!leftWhileWaiting(ex)) {
                        recorder.fail(ex, error);
                    }
                });
            }
        });
    }

    /** A stage's own answer, through the answer hooks of the stages before it, to the client. */
    private void answerFromStage(Exchange ex, StageAnswer answer, String stage) {
        ex.stages.runAnswer(answer, (a, error) -> recorder.guarded(ex, () -> {
            if (ex.isFinished()) {
                return;
            }
            if (error != null) {
                recorder.fail(ex, error);
                return;
            }
            writer.write(ex, a, stage);
        }));
    }

    /** The client left while a stage decided: nothing was asked of a provider, nothing counts (499). */
    private boolean leftWhileWaiting(Exchange ex) {
        if (ex.isFinished()) {
            if (ex.reservation != null) {
                ex.reservation.release(); // answered while it waited: nothing else settles what it was just given
            }
            return true;
        }
        if (!ex.client.closed()) {
            return false;
        }
        if (ex.reservation != null) {
            ex.reservation.release(); // all of it, the request too, as for a client that left while queued
        }
        ex.status = 499;
        ex.errorType = ClientOutcomes.CLIENT_CLOSED;
        recorder.finish(ex);
        return true;
    }

    /** The outcome hooks, innermost first, recording's last; a hook that throws is logged and skipped. */
    static void afterOutcome(Exchange ex) {
        StageRun run = ex.stages;
        if (run == null) {
            return;
        }
        String servedBy = ex.target == null || ex.answeredBy != null ? null
                : ex.target.provider().name() + "/" + ex.target.upstreamModel();
        run.runOutcome(new StageOutcome(ex.status, ex.errorType, ex.usage, ex.answeredBy, ex.deliveredAnswer, servedBy),
                e -> LOG.warn("request {}: a stage's outcome hook failed: {}", ex.requestId, e.getClass().getName()));
    }

    private static long hookMillis(Exchange ex) {
        Duration total = ex.snapshot.config().timeouts() == null ? null : ex.snapshot.config().timeouts().total();
        return (total == null ? DEFAULT_HOOK_TIME : total).toMillis();
    }
}
