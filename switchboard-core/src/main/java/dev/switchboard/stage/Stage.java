package dev.switchboard.stage;

import java.util.concurrent.CompletionStage;

/**
 * One step on the path of a model call (chat, completions, embeddings). Hooks run in the configured order on the
 * request, and in reverse order on the answer and the outcome, like layers around the provider:
 * <pre>
 *   request:  s1 → s2 → s3 → provider
 *   answer:   s1 ← s2 ← s3 ← provider
 * </pre>
 * A stage that answers the call itself (a cache hit, a refusal) is the innermost layer for that call: only the
 * stages before it see the answer and the outcome. Instances are shared by every call of a config version, on many
 * event loops at once: they keep per-call state in {@link StageCall#attributes()}, never in fields.
 * Hooks must not block: anything whose cost grows with the input or that waits for I/O returns an incomplete
 * CompletionStage (the engine resumes on the call's event loop).
 */
public interface Stage {
    /** The stage's name in errors, logs and the answer's {@code x-switchboard-answered-by} header. */
    String name();

    /** Decides what happens to the request: proceed, rewrite it, answer it, or refuse it. */
    default CompletionStage<StageDecision> onRequest(StageCall call) {
        return StageDecision.PROCEED_NOW;
    }

    /** A whole (non-streamed) answer in the canonical shape, before it is encoded for the client. */
    default CompletionStage<StageAnswer> onAnswer(StageCall call, StageAnswer answer) {
        return java.util.concurrent.CompletableFuture.completedFuture(answer);
    }

    /** A transformer for this call's streamed answer, or null to leave the stream alone. */
    default StreamStage onStream(StageCall call) {
        return null;
    }

    /** How the call ended; runs for every stage whose request hook ran, after the client has its answer. */
    default void onOutcome(StageCall call, StageOutcome outcome) {
    }

    /**
     * Whether this stage reads or changes answers: only such a stage's {@link #onAnswer} and {@link #onStream} are
     * called. When no stage of a call does, the byte pass-throughs (OpenAI to an OpenAI client, Anthropic to an
     * Anthropic client) stay zero-copy; when one does, every answer goes through it.
     */
    default boolean readsAnswers() {
        return false;
    }

    /**
     * Whether the engine holds this stage's hooks to the config's time limit (default). A stage that bounds its own
     * waiting (the built-in admission, which has its queue timeout) says false and saves the timer.
     */
    default boolean timeLimited() {
        return true;
    }

    /** The config that made this stage was replaced (a reload): release what it holds. */
    default void close() {
    }
}
