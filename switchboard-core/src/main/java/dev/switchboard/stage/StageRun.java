package dev.switchboard.stage;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.stream.StreamTransform;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs one call's stages: the request hooks in order, then the answer, stream and outcome hooks in reverse order
 * for the stages whose request hook ran (a stage that answered the call itself is the innermost). A hook that
 * completes at once continues inline; one that waits continues on {@code loop} (the call's event loop). Confined to
 * that loop; not reusable.
 */
public final class StageRun {
    /** Where the request phase ends up. Called once, on the loop. */
    public interface RequestListener {
        /** Every stage let the request go on (possibly rewritten): call the provider with it. */
        void proceed(ModelRequest request);

        /** A stage answered the call itself. */
        void respond(StageAnswer answer, String stage);

        /** A stage refused the call, or failed. */
        void refuse(GatewayException error, String stage);
    }

    private final List<Stage> stages;
    private final StageCall call;
    private final Executor loop;
    private final long timeoutMillis;
    private ModelRequest request;
    /** How many stages' request hooks ran (their later hooks are owed). */
    private int ran;
    /** The stage that answered or refused the call itself, or -1. */
    private int answeredBy = -1;
    private boolean outcomeDone;
    private final boolean readsAnswers;

    /**
     * @param request       the request as decoded; a rewrite replaces it (see {@link #request()})
     * @param timeoutMillis how long one hook may take to decide
     */
    public StageRun(List<Stage> stages, StageCall call, ModelRequest request, Executor loop, long timeoutMillis) {
        this.stages = stages;
        this.call = call;
        this.request = request;
        this.loop = loop;
        this.timeoutMillis = timeoutMillis;
        this.readsAnswers = anyReadsAnswers(stages);
    }

    /** The request as the stages left it. */
    public ModelRequest request() {
        return request;
    }

    /**
     * Whether a stage of this call reads or changes answers: only then do answers go through the answer and stream
     * hooks (and no byte pass-through is taken).
     */
    public boolean readsAnswers() {
        return readsAnswers;
    }

    private static boolean anyReadsAnswers(List<Stage> stages) {
        for (Stage s : stages) {
            if (s.readsAnswers()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a stage rewrote the request (a pass-through of the client's own bytes would skip that). */
    public boolean rewritten() {
        return rewritten;
    }

    private boolean rewritten;

    /** The name of the stage that answered or refused the call, or null. */
    public String answeredBy() {
        return answeredBy < 0 ? null : stages.get(answeredBy).name();
    }

    public void runRequest(RequestListener listener) {
        next(0, listener);
    }

    private void next(int i, RequestListener listener) {
        while (i < stages.size()) {
            Stage stage = stages.get(i);
            ran = i + 1;
            CompletionStage<StageDecision> pending;
            try {
                pending = stage.onRequest(call);
            } catch (Throwable e) { // an Error too: thrown on a resumed hop, nothing above would answer the client
                failed(i, e, listener);
                return;
            }
            if (pending instanceof CompletableFuture<StageDecision> f && f.isDone() && !f.isCompletedExceptionally()) {
                if (!decided(i, f.join(), listener)) {
                    return;
                }
                i++;
                continue;
            }
            int at = i;
            (stage.timeLimited() ? bounded(pending) : orNull(pending)).whenComplete((d, err) -> loop.execute(() -> {
                if (err != null) {
                    failed(at, err, listener);
                } else if (decided(at, d, listener)) {
                    next(at + 1, listener);
                }
            }));
            return;
        }
        listener.proceed(request);
    }

    /** Applies stage i's decision; true when the request goes on to the next stage. */
    private boolean decided(int i, StageDecision d, RequestListener listener) {
        Stage stage = stages.get(i);
        switch (d) {
            case null -> {
                failed(i, new IllegalStateException("the request hook decided nothing (null)"), listener);
                return false;
            }
            case StageDecision.Proceed p -> {
                return true;
            }
            case StageDecision.Rewrite w -> {
                String wrong = changed(request, w.request());
                if (wrong != null) {
                    failed(i, new IllegalStateException("the rewrite changed the request's " + wrong), listener);
                    return false;
                }
                request = w.request();
                rewritten = true;
                return true;
            }
            case StageDecision.Respond r -> {
                answeredBy = i;
                listener.respond(r.answer(), stage.name());
                return false;
            }
            case StageDecision.Refuse f -> {
                answeredBy = i;
                listener.refuse(f.error(), stage.name());
                return false;
            }
        }
    }

    /** What a rewrite may not change (routing, admission and the answer's shape were decided on it), or null. */
    private static String changed(ModelRequest before, ModelRequest after) {
        if (after.operation() != before.operation()) {
            return "operation";
        }
        if (!after.model().equals(before.model())) {
            return "model";
        }
        if (after.stream() != before.stream()) {
            return "stream flag";
        }
        return null;
    }

    private void failed(int i, Throwable err, RequestListener listener) {
        answeredBy = i;
        listener.refuse(failure(stages.get(i), err, call.requestId()), stages.get(i).name());
    }

    /**
     * The whole answer through the answer hooks of the stages before the one that answered (all, when a provider
     * did), innermost first. {@code done} gets the answer to send, or the failure (on the loop).
     */
    public void runAnswer(StageAnswer answer, java.util.function.BiConsumer<StageAnswer, GatewayException> done) {
        answerFrom(owed() - 1, answer, done);
    }

    private void answerFrom(int i, StageAnswer answer, java.util.function.BiConsumer<StageAnswer, GatewayException> done) {
        while (i >= 0) {
            Stage stage = stages.get(i);
            if (!stage.readsAnswers()) { // its hooks leave answers alone: no call, no allocation
                i--;
                continue;
            }
            CompletionStage<StageAnswer> pending;
            try {
                pending = stage.onAnswer(call, answer);
            } catch (Throwable e) { // an Error too, as in a request hook
                done.accept(null, failure(stage, e, call.requestId()));
                return;
            }
            if (pending instanceof CompletableFuture<StageAnswer> f && f.isDone() && !f.isCompletedExceptionally()) {
                StageAnswer given = f.join();
                String wrong = wrongAnswer(answer, given);
                if (wrong != null) {
                    done.accept(null, failure(stage, new IllegalStateException(wrong), call.requestId()));
                    return;
                }
                answer = given;
                i--;
                continue;
            }
            int at = i;
            StageAnswer before = answer;
            bounded(pending).whenComplete((a, err) -> loop.execute(() -> {
                String wrong = err != null ? null : wrongAnswer(before, a);
                if (err != null || wrong != null) {
                    done.accept(null, failure(stage, err != null ? err : new IllegalStateException(wrong), call.requestId()));
                } else {
                    answerFrom(at - 1, a, done);
                }
            }));
            return;
        }
        done.accept(answer, null);
    }

    /** Why an answer hook's answer cannot go on (none, or changed into something that is not an answer), or null. */
    private String wrongAnswer(StageAnswer before, StageAnswer given) {
        if (given == null) {
            return "the answer hook gave no answer";
        }
        if (given.body() == before.body()) {
            return null; // the same bytes: nothing to check again
        }
        String problem = AnswerShape.problem(call.request().operation(), given.body());
        return problem == null ? null : "the answer hook gave " + problem;
    }

    /**
     * The stream steps of the owed stages, innermost first (the order a translated stream runs them in, from the
     * decoder to the encoder); empty when none of them touches streams.
     */
    public List<StreamTransform> streamTransforms() {
        List<StreamTransform> out = null;
        for (int i = owed() - 1; i >= 0; i--) {
            if (!stages.get(i).readsAnswers()) {
                continue;
            }
            StreamStage s;
            try {
                s = stages.get(i).onStream(call);
            } catch (Throwable e) { // an Error too, as in a request hook
                throw failure(stages.get(i), e, call.requestId());
            }
            if (s != null) {
                if (out == null) {
                    out = new java.util.ArrayList<>(2);
                }
                out.add(new LookaheadGuard(stages.get(i).name(), s, call.requestId()));
            }
        }
        return out == null ? List.of() : out;
    }

    /**
     * Tells the owed stages how the call ended, innermost first; once. A failing hook is skipped (logged by the
     * caller), an Error too (a plugin missing a class): the outer hooks settle and record the call, so they must run.
     */
    public void runOutcome(StageOutcome outcome, Consumer<Throwable> onHookFailure) {
        if (outcomeDone) {
            return;
        }
        outcomeDone = true;
        for (int i = ran - 1; i >= 0; i--) {
            try {
                stages.get(i).onOutcome(call, outcome);
            } catch (Throwable e) {
                onHookFailure.accept(e);
            }
        }
    }

    /** The stages whose answer hooks run: before the one that answered, else all whose request hook ran. */
    private int owed() {
        return answeredBy >= 0 ? answeredBy : ran;
    }

    /** The hook's future as it is (a null one fails). */
    private static <T> CompletionStage<T> orNull(CompletionStage<T> pending) {
        return pending != null ? pending
                : CompletableFuture.failedFuture(new IllegalStateException("the hook returned no future"));
    }

    /** The hook's future with the stages' time limit (a copy: the stage's own future is left as it is). */
    private <T> CompletableFuture<T> bounded(CompletionStage<T> pending) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (pending == null) {
            f.completeExceptionally(new IllegalStateException("the hook returned no future"));
            return f;
        }
        pending.whenComplete((v, e) -> {
            if (e != null) {
                f.completeExceptionally(e);
            } else {
                f.complete(v);
            }
        });
        return f.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    static GatewayException failure(Stage stage, Throwable err, String requestId) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof GatewayException g) {
            return g;
        }
        if (cause instanceof TimeoutException) {
            return new GatewayException(ErrorKind.STAGE_TIMEOUT, "Stage '" + stage.name() + "' did not decide in time.");
        }
        return new GatewayException(ErrorKind.STAGE_FAILED, "Stage '" + stage.name()
                + "' failed (request id " + requestId + ").");
    }
}
