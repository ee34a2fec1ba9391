package dev.switchboard.server.engine;

import dev.switchboard.server.call.Exchange;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.stage.Stage;
import dev.switchboard.stage.StageCall;
import dev.switchboard.stage.StageDecision;
import dev.switchboard.stage.StageOutcome;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Today's admission as a stage, the second built-in one (inside outcome recording, before the configured stages):
 * its request hook admits the call against the key's, team's and model's limits and budgets (a refusal is the
 * caller's 429/400/503), its outcome hook settles the reservation with the real usage and cost, before the outcome
 * is recorded. Waits only as long as its own queue allows, so it is not held to the stages' time limit.
 */
final class AdmissionStage implements Stage {
    static final String NAME = "admission";

    private final AdmissionControl admission;

    AdmissionStage(AdmissionControl admission) {
        this.admission = admission;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletionStage<StageDecision> onRequest(StageCall call) {
        StageCallView view = (StageCallView) call;
        Future<Void> admitted = admission.admit(view.exchange(), view.plan());
        if (admitted.succeeded()) {
            return StageDecision.PROCEED_NOW; // nothing to wait for (no limits, or counted in process)
        }
        if (admitted.failed()) {
            return StageDecision.now(new StageDecision.Refuse(refusal(admitted.cause())));
        }
        CompletableFuture<StageDecision> decided = new CompletableFuture<>();
        admitted.onComplete(ar -> decided.complete(ar.succeeded() ? StageDecision.PROCEED
                : new StageDecision.Refuse(refusal(ar.cause()))));
        return decided;
    }

    @Override
    public void onOutcome(StageCall call, StageOutcome outcome) {
        Exchange ex = ((StageCallView) call).exchange();
        admission.settle(ex); // the real usage and cost replace what admission reserved
    }

    @Override
    public boolean timeLimited() {
        return false;
    }

    private static GatewayException refusal(Throwable cause) {
        return cause instanceof GatewayException g ? g : new GatewayException(ErrorKind.INTERNAL, "Limits could not be checked.");
    }
}
