package dev.switchboard.server;

import dev.switchboard.server.call.Exchange;
import dev.switchboard.server.engine.AdmissionControl;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.anthropic.AnthropicRequestDecoder;
import dev.switchboard.ingress.anthropic.AnthropicTokenEstimator;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.Target;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /v1/messages/count_tokens}: the model is checked against the key and resolved like a call, then
 * the input is estimated locally (see {@link AnthropicTokenEstimator}) without asking any provider. It counts as one
 * request against requests-per-minute limits (free: no tokens, no money; see {@link AdmissionControl#admitFree}).
 * The exchange gets no {@code request}, so no usage event is recorded: nothing was billed.
 */
final class TokenCountHandler {
    private TokenCountHandler() {}

    /** A checked count: the plan admission counts it on, and the answer. */
    record Count(RoutePlan plan, byte[] answer) {}

    static Count count(Exchange ex, byte[] body) {
        ModelRequest req = AnthropicRequestDecoder.decode(body, false);
        if (!ex.key().mayUse(req.model())) { // before routing, as for a call (same 403 for unknown names)
            throw GatewayException.param(ErrorKind.MODEL_NOT_ALLOWED, "model",
                    "The key '" + ex.key().name() + "' may not use the model '" + req.model() + "'.");
        }
        RoutePlan plan = ex.snapshot().router().plan(req.model(), Exchange.facts(ex, req));
        Target target = plan.targets().get(0).target();
        ex.target(target);
        return new Count(plan, ("{\"input_tokens\":" + AnthropicTokenEstimator.estimate(req) + "}")
                .getBytes(StandardCharsets.UTF_8));
    }
}
