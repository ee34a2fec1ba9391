package dev.switchboard.stage;

import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What a stage's request hook decided. */
public sealed interface StageDecision {
    /** Go on with the request as it is. */
    Proceed PROCEED = new Proceed();

    /** {@link #PROCEED}, already complete: what a hook with nothing to wait for returns (no allocation). */
    CompletionStage<StageDecision> PROCEED_NOW = CompletableFuture.completedFuture(PROCEED);

    record Proceed() implements StageDecision {}

    /** Go on with this request instead (masked, templated, with memory prepended); it must name the same model. */
    record Rewrite(ModelRequest request) implements StageDecision {
        public Rewrite {
            Objects.requireNonNull(request, "request");
        }
    }

    /** Answer the call with this (a cache hit): no provider is called; streamed if the client asked for a stream. */
    record Respond(StageAnswer answer) implements StageDecision {
        public Respond {
            Objects.requireNonNull(answer, "answer");
        }
    }

    /** Refuse the call with this error, in the client's dialect (a guardrail). */
    record Refuse(GatewayException error) implements StageDecision {
        public Refuse {
            Objects.requireNonNull(error, "error");
        }
    }

    static CompletionStage<StageDecision> now(StageDecision d) {
        return CompletableFuture.completedFuture(d);
    }
}
