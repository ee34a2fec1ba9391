package dev.switchboard.server.engine;

import dev.switchboard.server.call.Exchange;
import dev.switchboard.server.call.DeadlineSweeper;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.Router;
import dev.switchboard.server.upstream.ProviderConnections;
import dev.switchboard.server.upstream.UpstreamClient;
import dev.switchboard.server.upstream.UpstreamSigner;
import dev.switchboard.server.wire.HeaderNames;
import dev.switchboard.telemetry.RoutingMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;

/**
 * Serves chat completions, legacy completions and embeddings, in the client's dialect: decode, check the key may
 * use the model, plan the route, admit, then start the {@link RoutedCall}, whose attempts the {@link AttemptRunner}
 * makes; a whole answer that comes out of it is written to the client here (streams are written by their relays).
 * One instance per event loop.
 */
public final class ModelCallHandler implements RoutedCall.Answers {
    private final OutcomeRecorder recorder;
    private final RoutingMetrics routingMetrics;
    private final Vertx vertx;
    private final AdmissionControl admission;
    private final AttemptRunner runner;
    private final CallStages stages;

    /** @param tokenClient for credential exchanges (OAuth2 token endpoints), not model calls */
    public ModelCallHandler(Vertx vertx, DeadlineSweeper sweeper, UpstreamClient client, HttpClient tokenClient,
                     OutcomeRecorder recorder, RoutingMetrics routingMetrics, AdmissionControl admission,
                     ProviderConnections connections) {
        this.vertx = vertx;
        this.admission = admission;
        this.recorder = recorder;
        this.routingMetrics = routingMetrics;
        this.runner = new AttemptRunner(sweeper, client, new UpstreamSigner(tokenClient), connections,
                recorder::guarded, admission::inputTokens);
        this.stages = new CallStages(vertx, recorder, admission);
    }

    public void handle(Exchange ex, Operation op, byte[] body) {
        ModelRequest req = ex.dialect.decode(op, body);
        ex.request = req;
        // the policy first: a forbidden name gets the same 403 whether it exists or not, and route conditions
        // (regexes, token counts) run only for callers that may use the route
        if (!ex.key.mayUse(req.model())) {
            throw GatewayException.param(ErrorKind.MODEL_NOT_ALLOWED, "model",
                    "The key '" + ex.key.name() + "' may not use the model '" + req.model() + "'.");
        }
        Router router = ex.snapshot.router();
        RoutePlan plan = router.plan(req.model(), Exchange.facts(ex, req));
        // the stages, today's admission first: the routed call starts when every one let the request go on
        stages.beforeCall(ex, plan, () -> startRoutedCall(ex, plan, router, op, body));
    }

    /**
     * The request is admitted: its route is tried, target by target, until one answers. The one place every admitted
     * model call passes before anything goes upstream (where request stages hook in).
     */
    private void startRoutedCall(Exchange ex, RoutePlan plan, Router router, Operation op, byte[] body) {
        new RoutedCall(ex, plan, router.registry(), router.breaker(),
                (e, contentFilterFallback, report) -> runner.run(e, op, body, contentFilterFallback, report),
                this, recorder, routingMetrics, vertx).start();
    }

    @Override
    public GatewayException write(Exchange ex, AttemptOutcome.Whole whole) {
        switch (whole) {
            case AttemptOutcome.Answer a -> {
                return answer(ex, a);
            }
            case AttemptOutcome.NativeAnswer a -> {
                ex.usage = a.usage();
                ex.status = 200;
                costHeader(ex);
                ex.client.putHeader(HeaderNames.CONTENT_TYPE, contentType(a.contentType()));
                ex.client.end(200, a.body());
                return null;
            }
        }
    }

    /**
     * A whole canonical answer to the client, in its dialect; null when it went out. The one place every translated
     * whole answer passes before it is encoded (where answer stages hook in).
     */
    private GatewayException answer(Exchange ex, AttemptOutcome.Answer a) {
        byte[] encoded;
        try {
            encoded = ex.dialect.encodeAnswer(ex.request, a.answer().body());
        } catch (GatewayException e) {
            return e;
        }
        ex.usage = a.answer().usage();
        ex.status = 200;
        costHeader(ex);
        boolean passedThrough = encoded == a.upstreamBytes(); // same dialect: the provider's bytes as they came
        ex.client.putHeader(HeaderNames.CONTENT_TYPE, contentType(passedThrough ? a.contentType() : null));
        ex.client.end(200, passedThrough ? a.upstream() : Buffer.buffer(encoded));
        return null;
    }

    @Override
    public void fail(Exchange ex, AttemptOutcome.Failure failure) {
        AttemptOutcome.NativeError asItCame = failure.nativeError();
        if (asItCame == null || ex.isFinished()) {
            recorder.fail(ex, failure.error());
            return;
        }
        ex.status = asItCame.status();
        ex.errorType = failure.error().kind().code();
        if (asItCame.retryAfter() != null) {
            ex.client.putHeader("retry-after", asItCame.retryAfter());
        }
        ex.client.putHeader(HeaderNames.CONTENT_TYPE, contentType(asItCame.contentType()));
        ex.client.end(asItCame.status(), asItCame.body());
        recorder.finish(ex);
    }

    private static CharSequence contentType(String upstreamType) {
        return upstreamType == null ? HeaderNames.APPLICATION_JSON : upstreamType;
    }

    /** The request's cost, on answers whose usage is known before the body goes out. */
    private void costHeader(Exchange ex) {
        long micro = admission.cost(ex);
        if (micro >= 0) {
            ex.client.putHeader(HeaderNames.COST, usd(micro));
        }
    }

    /** Micro-USD as dollars with six decimals, without String.format (which showed in per-request profiles). */
    static String usd(long micro) {
        String fraction = Long.toString(1_000_000 + micro % 1_000_000).substring(1);
        return (micro / 1_000_000) + "." + fraction;
    }
}
