package dev.switchboard.server.engine;

import dev.switchboard.server.call.Exchange;
import dev.switchboard.server.call.Guard;
import dev.switchboard.server.call.UpstreamCall;
import dev.switchboard.server.call.DeadlineSweeper;
import dev.switchboard.server.relay.StreamRelay;
import dev.switchboard.server.relay.SseRelay;
import dev.switchboard.server.relay.NativeSseRelay;
import dev.switchboard.server.relay.BodyAttempt;
import dev.switchboard.server.relay.BodyRelay;
import dev.switchboard.adapters.ChatAdapters;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.TypedStream;
import dev.switchboard.stream.StreamTransform;
import dev.switchboard.provider.NativePassthrough;
import dev.switchboard.provider.StreamTranslator;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.routing.Target;
import dev.switchboard.server.upstream.ProviderConnections;
import dev.switchboard.server.upstream.UpstreamClient;
import dev.switchboard.server.upstream.UpstreamResponse;
import dev.switchboard.server.upstream.UpstreamSigner;
import dev.switchboard.server.wire.HeaderNames;
import dev.switchboard.usage.Usage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One attempt at the exchange's current target ({@code ex.target}): translate the request for its provider (or take
 * the client's own bytes, for a byte pass-through), sign, send, and classify what comes back: a whole answer is read
 * ({@link BodyRelay}), a stream starts relaying ({@link SseRelay}, {@link NativeSseRelay}), an error or a broken call
 * becomes a failure. Each ends as one {@link AttemptOutcome} given to the attempt's {@link Report}; nothing here
 * retries, falls back or writes a whole answer out. The network is the {@link UpstreamClient}. One per event loop.
 */
final class AttemptRunner {
    /** Hears about one attempt. */
    interface Report {
        /** The attempt's upstream call is about to be sent (cancelled if the client leaves). */
        void sending(UpstreamCall call);

        /**
         * What the attempt came to. Returns true when the outcome is taken care of; only a
         * {@link AttemptOutcome.Failure#streamPending()} failure may be declined (false), and its stream relay then
         * ends the stream with the error event.
         */
        boolean outcome(AttemptOutcome outcome);
    }

    private final DeadlineSweeper sweeper;
    private final UpstreamClient client;
    private final UpstreamSigner signer;
    private final ProviderConnections connections;
    private final Guard guard;
    private final BodyRelay bodies;

    /** @param inputTokens the gateway's own count of the input, for answers whose provider reports no usage */
    AttemptRunner(DeadlineSweeper sweeper, UpstreamClient client, UpstreamSigner signer, ProviderConnections connections,
                  Guard guard, Function<Exchange, Future<Long>> inputTokens) {
        this.sweeper = sweeper;
        this.client = client;
        this.signer = signer;
        this.connections = connections;
        this.guard = guard;
        this.bodies = new BodyRelay(guard, inputTokens);
    }

    /**
     * What one attempt was planned with. {@code passthrough}: the client's own bytes both ways, or null;
     * {@code contentFilterFallback}: an answer refused by the provider's content filter fails (the route has a next
     * target for it) instead of going out.
     */
    record Attempt(Exchange ex, ModelRequest req, Target target, ChatAdapter adapter, boolean injectUsage,
                   NativePassthrough passthrough, boolean contentFilterFallback, Report report) implements BodyAttempt {
        @Override
        public void fail(GatewayException e, byte[] upstreamBody) {
            report.outcome(new AttemptOutcome.Failure(e, upstreamBody, null, false));
        }

        @Override
        public void answer(ChatAdapter.Answer answer, byte[] upstreamBytes, Buffer upstream, String contentType) {
            report.outcome(new AttemptOutcome.Answer(answer, upstreamBytes, upstream, contentType));
        }

        @Override
        public void nativeAnswer(Buffer body, String contentType, Usage usage) {
            report.outcome(new AttemptOutcome.NativeAnswer(body, contentType, usage));
        }

        @Override
        public void nativeError(GatewayException e, byte[] upstreamBody, int status, Buffer body, String contentType,
                                String retryAfter) {
            report.outcome(new AttemptOutcome.Failure(e, upstreamBody,
                    new AttemptOutcome.NativeError(status, body, contentType, retryAfter), false));
        }
    }

    /**
     * One attempt at {@code ex.target}.
     *
     * @param body the client's request bytes (sent as they are by a byte pass-through)
     */
    void run(Exchange ex, Operation op, byte[] body, boolean contentFilterFallback, Report report) {
        ModelRequest req = ex.request;
        Target target = ex.target;
        boolean injectUsage = req.stream() && !req.clientRequestedUsage() && op != Operation.EMBEDDINGS;
        Attempt attempt;
        UpstreamRequest built;
        try {
            ChatAdapter adapter = ChatAdapters.forProvider(target.provider());
            // a client at a provider of its own dialect: the client's own request, native fields intact
            // (never around a stage that changed the request or reads answers: it must see what goes out)
            NativePassthrough passthrough = ex.stages != null && (ex.stages.rewritten() || ex.stages.readsAnswers())
                    ? null : adapter.passthrough(ex.dialect.name(), target.provider());
            attempt = new Attempt(ex, req, target, adapter, injectUsage, passthrough, contentFilterFallback, report);
            built = passthrough != null
                    ? passthrough.toUpstream(body, target.upstreamModel(), ex.client::headers)
                    : translated(ex, req, target, adapter, injectUsage);
        } catch (GatewayException e) { // e.g. the request cannot be translated for this target
            report.outcome(new AttemptOutcome.Failure(e));
            return;
        }
        Future<UpstreamRequest> signed;
        try {
            signed = signer.sign(target.provider(), built);
        } catch (GatewayException e) { // the provider's key is unusable
            attempt.fail(e, null);
            return;
        }
        if (signed.succeeded()) { // no I/O needed (or a cached token): send now
            send(attempt, signed.result());
            return;
        }
        // The credential takes I/O (a token exchange): send once it is there.
        signed.onComplete(ar -> guard.guarded(ex, () -> {
            if (ex.isFinished()) {
                return;
            }
            if (ar.failed()) {
                attempt.fail(ar.cause() instanceof GatewayException g ? g
                        : new GatewayException(ErrorKind.INTERNAL, "The provider's credential could not be obtained."), null);
                return;
            }
            try {
                send(attempt, ar.result());
            } catch (GatewayException e) {
                attempt.fail(e, null);
            }
        }));
    }

    /** The request in the target's dialect; what the client's own dialect cannot carry there is refused or reported. */
    private static UpstreamRequest translated(Exchange ex, ModelRequest req, Target target, ChatAdapter adapter,
                                              boolean injectUsage) {
        List<String> lost = ex.dialect.checkTranslated(req, target.provider());
        UpstreamRequest up = adapter.toUpstream(req, target.provider(), target.upstreamModel(), injectUsage);
        if (lost.isEmpty()) {
            return up;
        }
        List<String> dropped = new ArrayList<>(lost);
        dropped.addAll(up.dropped());
        return new UpstreamRequest(up.method(), up.url(), up.headers(), up.body(), dropped);
    }

    private void send(Attempt attempt, UpstreamRequest up) {
        Exchange ex = attempt.ex();
        UpstreamCall call = new UpstreamCall(sweeper, client, attempt.target().provider(), connections);
        attempt.report().sending(call);
        ex.sending(call); // from here the provider may work on it: settlement charges unless it answers with an error
        if (!up.dropped().isEmpty()) {
            // unsupported_params: drop left these out of the upstream request; the client is told which
            ex.client.putHeader(HeaderNames.DROPPED_PARAMS, DroppedParamsHeader.value(up.dropped()));
        } else {
            ex.client.removeHeader(HeaderNames.DROPPED_PARAMS); // an earlier attempt's target may have dropped some
        }
        call.onTimeout(() -> attempt.fail(call.failure(null), null));
        call.send(up, ar -> guard.guarded(ex, () -> {
            if (ex.isFinished()) {
                call.cancel();
                return;
            }
            if (ar.failed()) {
                attempt.fail(call.failure(ar.cause()), null);
                return;
            }
            classify(attempt, call, ar.result());
        }));
    }

    /** What the response head says the answer is: a stream to relay, a whole answer to read, or an error. */
    private void classify(Attempt attempt, UpstreamCall call, UpstreamResponse upstream) {
        Exchange ex = attempt.ex();
        boolean ok = upstream.statusCode() / 100 == 2;
        boolean stream = ok && attempt.req().stream() && attempt.adapter().isStream(upstream.getHeader("content-type"));
        if (attempt.passthrough() != null) {
            if (stream) {
                relayStream(attempt, new NativeSseRelay(ex, call, ex.client, attempt.passthrough(), streamed(attempt)),
                        upstream);
            } else {
                bodies.nativeAnswer(attempt, call, upstream);
            }
        } else if (!ok) {
            bodies.error(attempt, call, upstream);
        } else if (stream) {
            StreamTranslator translator;
            try {
                translator = streamTranslator(attempt);
            } catch (GatewayException e) { // a stage could not give its stream step: the provider's stream is let go
                call.cancel();
                attempt.fail(e, null);
                return;
            }
            relayStream(attempt, new SseRelay(ex, call, ex.client, attempt.adapter(), translator, streamed(attempt)),
                    upstream);
        } else {
            bodies.answer(attempt, call, upstream);
        }
    }

    /**
     * The provider's stream, decoded and re-encoded in the client's dialect, event by event. The one place a
     * translated stream's translator is built (where stream stages wrap it).
     */
    private static StreamTranslator streamTranslator(Attempt attempt) {
        Exchange ex = attempt.ex();
        ModelRequest req = attempt.req();
        Target target = attempt.target();
        ChatAdapter adapter = attempt.adapter();
        List<StreamTransform> stages = ex.stages == null ? List.of() : ex.stages.streamTransforms();
        if (!stages.isEmpty()) { // decoded into typed events, through the stages, encoded for the client
            return new TypedStream(adapter.newDecoder(req, target.provider(), target.upstreamModel(), attempt.injectUsage()),
                    stages, ex.dialect.newEncoder(req, ex.estimatedInputTokens));
        }
        return ex.dialect.encodeStream(req, adapter.newStream(req, target.provider(), target.upstreamModel(),
                attempt.injectUsage()), ex.estimatedInputTokens);
    }

    private static Runnable streamed(Attempt attempt) {
        return () -> attempt.report().outcome(new AttemptOutcome.Streamed());
    }

    /** Starts a stream relay; a failure before its first byte goes to the report, which may retry or fall back. */
    private static void relayStream(Attempt attempt, StreamRelay relay, UpstreamResponse upstream) {
        relay.onFailureBeforeFirstByte(e -> attempt.report().outcome(new AttemptOutcome.Failure(e, null, null, true)))
                .start(upstream);
    }
}
