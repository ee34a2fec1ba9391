package dev.switchboard.server;

import dev.switchboard.adapters.ChatAdapters;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.provider.NativePassthrough;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.Router;
import dev.switchboard.routing.Target;
import dev.switchboard.server.upstream.UpstreamClient;
import dev.switchboard.server.upstream.UpstreamResponse;
import dev.switchboard.telemetry.RoutingMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import dev.switchboard.server.wire.HeaderNames;
import dev.switchboard.server.upstream.UpstreamSigner;
import dev.switchboard.server.upstream.ProviderConnections;

/**
 * Serves chat completions, legacy completions and embeddings, in the client's dialect: decode, check the key may
 * use the model, plan the route, then for each attempt the {@link RoutedCall} makes: translate for the target,
 * send upstream, relay the answer (streamed as it arrives) or report the failure back. One instance per event loop.
 */
final class ModelCallHandler {
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final DeadlineSweeper sweeper;
    private final UpstreamClient client;
    private final OutcomeRecorder recorder;
    private final UpstreamSigner signer;
    private final RoutingMetrics routingMetrics;
    private final Vertx vertx;
    private final AdmissionControl admission;
    private final ProviderConnections connections;

    /** @param tokenClient for credential exchanges (OAuth2 token endpoints), not model calls */
    ModelCallHandler(Vertx vertx, DeadlineSweeper sweeper, UpstreamClient client, HttpClient tokenClient,
                     OutcomeRecorder recorder, RoutingMetrics routingMetrics, AdmissionControl admission,
                     ProviderConnections connections) {
        this.connections = connections;
        this.vertx = vertx;
        this.admission = admission;
        this.sweeper = sweeper;
        this.client = client;
        this.recorder = recorder;
        this.routingMetrics = routingMetrics;
        this.signer = new UpstreamSigner(tokenClient);
    }

    private static void release(Exchange ex) {
        if (ex.reservation != null) {
            ex.reservation.release();
        }
    }

    void handle(Exchange ex, Operation op, byte[] body) {
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
        admission.admit(ex, plan).onComplete(ar -> recorder.guarded(ex, () -> { // an Error still answers
            if (ex.isFinished()) {
                release(ex); // answered while it waited: nothing else settles what it was just given
                return;
            }
            if (ar.failed()) {
                recorder.fail(ex, ar.cause() instanceof GatewayException g ? g
                        : new GatewayException(ErrorKind.INTERNAL, "Limits could not be checked."));
                return;
            }
            if (ex.client.closed()) { // left while waiting in the queue for capacity: nothing used, nothing counts
                release(ex); // all of it, the request too; its room wakes the next queued request
                ex.status = 499;
                ex.errorType = "client_closed";
                recorder.finish(ex);
                return;
            }
            new RoutedCall(ex, plan, router.registry(), router.breaker(), (e, call, n) -> attempt(e, call, n, op, body),
                    recorder, routingMetrics, vertx).start();
        }));
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

    /** One attempt at the routed call's current target: translate for its provider, sign, send. */
    private void attempt(Exchange ex, RoutedCall routed, int n, Operation op, byte[] body) {
        ModelRequest req = ex.request;
        Target target = routed.target().target();
        boolean injectUsage = req.stream() && !req.clientRequestedUsage() && op != Operation.EMBEDDINGS;
        ChatAdapter adapter = ChatAdapters.forProvider(target.provider());
        // a client at a provider of its own dialect: the client's own request, native fields intact
        NativePassthrough passthrough = adapter.passthrough(ex.dialect.name(), target.provider());
        UpstreamRequest built = passthrough != null
                ? passthrough.toUpstream(body, target.upstreamModel(), ex.client::headers)
                : translated(ex, req, target, adapter, injectUsage);
        Attempt attempt = new Attempt(req, target, adapter, injectUsage, passthrough, routed, n);
        Future<UpstreamRequest> signed = signer.sign(target.provider(), built);
        if (signed.succeeded()) { // no I/O needed (or a cached token): send now
            send(ex, attempt, signed.result());
            return;
        }
        // The credential takes I/O (a token exchange): send once it is there.
        signed.onComplete(ar -> recorder.guarded(ex, () -> {
            if (ex.isFinished()) {
                return;
            }
            if (ar.failed()) {
                GatewayException e = ar.cause() instanceof GatewayException g ? g
                        : new GatewayException(ErrorKind.INTERNAL, "The provider's credential could not be obtained.");
                failAttempt(ex, attempt, e, null);
                return;
            }
            try {
                send(ex, attempt, ar.result());
            } catch (GatewayException e) {
                failAttempt(ex, attempt, e, null);
            }
        }));
    }

    /** The request in the target's dialect; what the client's own dialect cannot carry there is refused or reported. */
    private static UpstreamRequest translated(Exchange ex, ModelRequest req, Target target, ChatAdapter adapter,
                                              boolean injectUsage) {
        java.util.List<String> lost = ex.dialect.checkTranslated(req, target.provider());
        UpstreamRequest up = adapter.toUpstream(req, target.provider(), target.upstreamModel(), injectUsage);
        if (lost.isEmpty()) {
            return up;
        }
        java.util.List<String> dropped = new java.util.ArrayList<>(lost);
        dropped.addAll(up.dropped());
        return new UpstreamRequest(up.method(), up.url(), up.headers(), up.body(), dropped);
    }

    /**
     * What one upstream attempt was planned with. {@code passthrough}: the client's own bytes both ways, or null;
     * {@code n}: the attempt's number in its routed call.
     */
    private record Attempt(ModelRequest req, Target target, ChatAdapter adapter, boolean injectUsage,
                           NativePassthrough passthrough, RoutedCall routed, int n) {
        void done() {
            routed.done(n);
        }
    }

    /** An attempt failed before its answer reached the client: retry or fall back if the route allows, else answer. */
    private void failAttempt(Exchange ex, Attempt attempt, GatewayException e, byte[] upstreamBody) {
        if (!attempt.routed().recover(attempt.n(), e, upstreamBody)) {
            recorder.fail(ex, e);
        }
    }

    private void send(Exchange ex, Attempt attempt, UpstreamRequest up) {
        ModelRequest req = attempt.req();
        Target target = attempt.target();
        ChatAdapter adapter = attempt.adapter();
        UpstreamCall call = new UpstreamCall(sweeper, client, target.provider(), connections);
        attempt.routed().calling(call);
        ex.sending(call); // from here the provider may work on it: settlement charges unless it answers with an error
        if (!up.dropped().isEmpty()) {
            // unsupported_params: drop left these out of the upstream request; the client is told which
            ex.client.putHeader(HeaderNames.DROPPED_PARAMS, DroppedParamsHeader.value(up.dropped()));
        } else {
            ex.client.removeHeader(HeaderNames.DROPPED_PARAMS); // an earlier attempt's target may have dropped some
        }
        call.onTimeout(() -> failAttempt(ex, attempt, call.failure(null), null));
        call.send(up, ar -> recorder.guarded(ex, () -> {
            if (ex.isFinished()) {
                call.cancel();
                return;
            }
            if (ar.failed()) {
                failAttempt(ex, attempt, call.failure(ar.cause()), null);
                return;
            }
            UpstreamResponse upstream = ar.result();
            if (attempt.passthrough() != null) {
                relayNative(ex, call, upstream, attempt);
            } else if (upstream.statusCode() / 100 != 2) {
                relayError(ex, call, upstream, attempt);
            } else if (req.stream() && adapter.isStream(upstream.getHeader("content-type"))) {
                new SseRelay(ex, call, ex.client, adapter,
                        ex.dialect.encodeStream(req, adapter.newStream(req, target.provider(), target.upstreamModel(),
                                attempt.injectUsage()), ex.estimatedInputTokens),
                        attempt::done).onFailureBeforeFirstByte(e -> attempt.routed().recover(attempt.n(), e, null))
                        .start(upstream);
            } else {
                relayBody(ex, call, upstream, attempt);
            }
        }));
    }

    /** The pass-through: answers, events and the provider's own errors go back as the provider sent them. */
    private void relayNative(Exchange ex, UpstreamCall call, UpstreamResponse upstream, Attempt attempt) {
        ChatAdapter adapter = attempt.adapter();
        if (ex.request.stream() && upstream.statusCode() / 100 == 2 && adapter.isStream(upstream.getHeader("content-type"))) {
            new NativeSseRelay(ex, call, ex.client, attempt.passthrough(), attempt::done)
                    .onFailureBeforeFirstByte(e -> attempt.routed().recover(attempt.n(), e, null)).start(upstream);
            return;
        }
        boolean ok = upstream.statusCode() / 100 == 2;
        BodyCollector collected = ok ? answerCollector(ex) : new BodyCollector(MAX_ERROR_BODY);
        upstream.handler(b -> {
            call.activity();
            if (!collected.overflowed() && !collected.add(b) && ok) {
                tooLarge(ex, call, attempt);
            }
        });
        upstream.exceptionHandler(err -> failAttempt(ex, attempt, call.failure(err), null));
        upstream.endHandler(v -> recorder.guarded(ex, () -> {
            if (ex.isFinished() || (ok && collected.overflowed())) {
                return;
            }
            call.complete();
            byte[] bytes = collected.bytes();
            String type = upstream.getHeader("content-type");
            if (ok) {
                ex.usage = attempt.passthrough().usage(bytes);
                ex.status = 200;
                costHeader(ex);
                ex.client.putHeader(HeaderNames.CONTENT_TYPE, type == null ? HeaderNames.APPLICATION_JSON : type);
                ex.client.end(200, collected.buffer());
                attempt.done();
                return;
            }
            GatewayException e = adapter.toError(ex.target.provider(), upstream.statusCode(),
                    upstream.getHeader("retry-after"), bytes);
            if (attempt.routed().recover(attempt.n(), e, bytes)) {
                return; // retried or moved on to the next target
            }
            if (!attempt.passthrough().relayableError(bytes)) {
                recorder.fail(ex, e); // not the dialect's error shape, or about the gateway's own account
                return;
            }
            ex.status = upstream.statusCode();
            ex.errorType = e.kind().code();
            String retryAfter = upstream.getHeader("retry-after");
            if (retryAfter != null) {
                ex.client.putHeader("retry-after", retryAfter);
            }
            ex.client.putHeader(HeaderNames.CONTENT_TYPE, type == null ? HeaderNames.APPLICATION_JSON : type);
            ex.client.end(upstream.statusCode(), collected.buffer());
            recorder.finish(ex);
        }));
    }


    private void relayBody(Exchange ex, UpstreamCall call, UpstreamResponse upstream, Attempt attempt) {
        ChatAdapter adapter = attempt.adapter();
        BodyCollector collected = answerCollector(ex);
        upstream.handler(b -> {
            call.activity(); // each piece moves the idle deadline, as for streams
            if (!collected.overflowed() && !collected.add(b)) {
                tooLarge(ex, call, attempt);
            }
        });
        upstream.exceptionHandler(err -> failAttempt(ex, attempt, call.failure(err), null));
        upstream.endHandler(v -> recorder.guarded(ex, () -> {
            if (ex.isFinished() || collected.overflowed()) {
                return;
            }
            call.complete();
            byte[] bytes = collected.bytes();
            ChatAdapter.Answer answer;
            try {
                answer = adapter.fromUpstream(ex.request, ex.target.provider(), ex.target.upstreamModel(), bytes);
                if (attempt.routed().fallsBackOnContentFilter() && ContentFilter.refused(answer.body())) {
                    failAttempt(ex, attempt, ContentFilter.refusal(ex.target.provider().name()), null);
                    return;
                }
            } catch (GatewayException e) {
                failAttempt(ex, attempt, e, null);
                return;
            }
            if (!EstimatedUsage.needed(ex, answer)) {
                answerBody(ex, upstream, collected, bytes, attempt, answer);
                return;
            }
            admission.inputTokens(ex).onComplete(estimate -> recorder.guarded(ex, () -> {
                if (ex.isFinished()) {
                    return; // the client left while the input was counted (its close handler settled the attempt)
                }
                // without an estimate (the estimator failed) the answer goes out as the provider gave it
                answerBody(ex, upstream, collected, bytes, attempt,
                        estimate.succeeded() ? EstimatedUsage.apply(ex, answer, estimate.result()) : answer);
            }));
        }));
    }

    /** A whole answer to the client, in its dialect. */
    private void answerBody(Exchange ex, UpstreamResponse upstream, BodyCollector collected, byte[] bytes,
                            Attempt attempt, ChatAdapter.Answer answer) {
        byte[] encoded;
        try {
            encoded = ex.dialect.encodeAnswer(ex.request, answer.body());
        } catch (GatewayException e) {
            failAttempt(ex, attempt, e, null);
            return;
        }
        ex.usage = answer.usage();
        ex.status = 200;
        costHeader(ex);
        boolean passedThrough = encoded == bytes; // same dialect: the provider's bytes as they came
        String type = passedThrough ? upstream.getHeader("content-type") : null;
        ex.client.putHeader(HeaderNames.CONTENT_TYPE, type == null ? HeaderNames.APPLICATION_JSON : type);
        ex.client.end(200, passedThrough ? collected.buffer() : Buffer.buffer(encoded));
        attempt.done();
    }

    /** A whole answer is gathered up to the provider's {@code max_response_body}; past it, all is dropped. */
    private static BodyCollector answerCollector(Exchange ex) {
        return new BodyCollector(ex.target.provider().limits().maxResponseBytes(), false);
    }

    /** The answer outgrew {@code max_response_body}: 502 (or the next target), and the upstream request is closed. */
    private void tooLarge(Exchange ex, UpstreamCall call, Attempt attempt) {
        int limit = ex.target.provider().limits().maxResponseBytes();
        // answer first: the reset below fails the body, whose handler would report a broken connection instead
        failAttempt(ex, attempt, new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, "The answer of provider '"
                + attempt.target().provider().name() + "' is larger than its max_response_body (" + limit + " bytes)."), null);
        call.cancel();
    }

    private void relayError(Exchange ex, UpstreamCall call, UpstreamResponse upstream, Attempt attempt) {
        BodyCollector collected = new BodyCollector(MAX_ERROR_BODY);
        upstream.handler(b -> {
            call.activity();
            collected.add(b);
        });
        upstream.exceptionHandler(err -> failAttempt(ex, attempt, call.failure(err), null));
        upstream.endHandler(v -> recorder.guarded(ex, () -> {
            call.complete();
            byte[] bytes = collected.bytes();
            failAttempt(ex, attempt, attempt.adapter().toError(ex.target.provider(), upstream.statusCode(),
                    upstream.getHeader("retry-after"), bytes), bytes);
        }));
    }
}
