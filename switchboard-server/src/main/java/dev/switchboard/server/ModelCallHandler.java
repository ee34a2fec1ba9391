package dev.switchboard.server;

import dev.switchboard.catalogue.AuthStyle;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.anthropic.AnthropicIngress;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.RequestSigner;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.ChatAdapters;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.provider.anthropic.AnthropicPassthrough;
import dev.switchboard.routing.Target;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;

/**
 * Serves chat completions, legacy completions and embeddings, in the client's dialect: decode, resolve the
 * model, check the key may use it, send upstream, relay the answer (streamed as it arrives) and count usage.
 * One instance per event loop.
 */
final class ModelCallHandler {
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final DeadlineSweeper sweeper;
    private final HttpClient client;
    private final OutcomeRecorder recorder;
    private final CredentialSource credentials;

    ModelCallHandler(DeadlineSweeper sweeper, HttpClient client, OutcomeRecorder recorder) {
        this.sweeper = sweeper;
        this.client = client;
        this.recorder = recorder;
        this.credentials = new JwtBearerCredentialSource(client, System::currentTimeMillis);
    }

    void handle(Exchange ex, Operation op, Buffer body) {
        ModelRequest req = ex.dialect.decode(op, body.getBytes());
        ex.request = req;
        Target target = ex.snapshot.resolver().resolve(req.model());
        if (!ex.key.models().allows(req.model())) {
            throw GatewayException.param(ErrorKind.MODEL_NOT_ALLOWED, "model",
                    "The key '" + ex.key.name() + "' may not use the model '" + req.model() + "'.");
        }
        ex.target = target;
        boolean injectUsage = req.stream() && !req.clientRequestedUsage() && op != Operation.EMBEDDINGS;
        ChatAdapter adapter = ChatAdapters.forProvider(target.provider());
        // An Anthropic client at an Anthropic provider: the client's own request, native fields intact
        boolean nativeAnthropic = ex.dialect == AnthropicIngress.INSTANCE && AnthropicPassthrough.serves(target.provider());
        UpstreamRequest built = nativeAnthropic
                ? AnthropicPassthrough.toUpstream(body.getBytes(), target.provider(), target.upstreamModel(),
                        joined(ex, "anthropic-beta"), ex.http.getHeader("anthropic-version"))
                : adapter.toUpstream(req, target.provider(), target.upstreamModel(), injectUsage);
        if (target.provider().type().auth() == AuthStyle.OAUTH2) {
            // The credential takes I/O (a token exchange, cached): resolve it first, then send as usual.
            credentials.bearerToken(target.provider(), adapter.tokenGrant(target.provider())).onComplete(ar -> {
                if (ex.isFinished()) {
                    return;
                }
                if (ex.http.response().closed()) { // the client left while the token was being obtained
                    ex.status = 499;
                    ex.errorType = "client_closed";
                    recorder.finish(ex);
                    return;
                }
                if (ar.failed()) {
                    recorder.fail(ex, ar.cause() instanceof GatewayException g ? g
                            : new GatewayException(ErrorKind.INTERNAL, "The provider's credential could not be obtained."));
                    return;
                }
                try {
                    send(ex, new Attempt(req, target, adapter, injectUsage, nativeAnthropic), RequestSigner.withBearer(built, ar.result()));
                } catch (GatewayException e) {
                    recorder.fail(ex, e);
                }
            });
            return;
        }
        send(ex, new Attempt(req, target, adapter, injectUsage, nativeAnthropic), RequestSigner.sign(built, target.provider()));
    }

    /** What one upstream attempt was planned with. {@code nativePassthrough}: Anthropic bytes both ways. */
    private record Attempt(ModelRequest req, Target target, ChatAdapter adapter, boolean injectUsage, boolean nativePassthrough) {}

    private void send(Exchange ex, Attempt attempt, UpstreamRequest up) {
        ModelRequest req = attempt.req();
        Target target = attempt.target();
        ChatAdapter adapter = attempt.adapter();
        boolean injectUsage = attempt.injectUsage();
        UpstreamCall call = new UpstreamCall(sweeper, client, target.provider());
        HttpServerResponse response = ex.http.response();
        response.putHeader(HeaderNames.PROVIDER, target.provider().name());
        response.putHeader(HeaderNames.MODEL, target.upstreamModel());
        if (!up.dropped().isEmpty()) {
            // unsupported_params: drop left these out of the upstream request; the client is told which
            response.putHeader(HeaderNames.DROPPED_PARAMS, String.join(",", up.dropped()));
        }
        response.closeHandler(v -> {
            if (ex.isFinished() || response.ended()) {
                // Answered already (HTTP/2 closes each stream after its response, even inside end() before the
                // outcome is recorded): not a client abort, nothing to cancel, and an upstream still sending its
                // last bytes after the stream's end marker is left to finish.
                return;
            }
            // Record first: cancelling resets the upstream request, whose failure handlers would otherwise
            // finish the exchange as an upstream error (502) or a normal stream (200).
            ex.status = 499;
            ex.errorType = "client_closed";
            recorder.finish(ex);
            call.cancel();
        });
        call.onTimeout(() -> recorder.fail(ex, call.failure(null)));
        call.send(up).onComplete(ar -> {
            if (ex.isFinished()) {
                if (ar.succeeded()) {
                    ar.result().request().reset();
                }
                return;
            }
            if (ar.failed()) {
                recorder.fail(ex, call.failure(ar.cause()));
                return;
            }
            HttpClientResponse upstream = ar.result();
            if (attempt.nativePassthrough()) {
                relayNative(ex, call, upstream, adapter);
            } else if (upstream.statusCode() / 100 != 2) {
                relayError(ex, call, upstream, adapter);
            } else if (req.stream() && adapter.isStream(upstream.getHeader("content-type"))) {
                new SseRelay(ex, call, response, adapter,
                        ex.dialect.encodeStream(req, adapter.newStream(req, target.provider(), injectUsage)),
                        () -> recorder.finish(ex)).start(upstream);
            } else {
                relayBody(ex, call, upstream, adapter);
            }
        });
    }

    /** The native Anthropic path: answers, events and Anthropic's own errors go back as the provider sent them. */
    private void relayNative(Exchange ex, UpstreamCall call, HttpClientResponse upstream, ChatAdapter adapter) {
        if (ex.request.stream() && upstream.statusCode() / 100 == 2 && adapter.isStream(upstream.getHeader("content-type"))) {
            new NativeSseRelay(ex, call, ex.http.response(), () -> recorder.finish(ex)).start(upstream);
            return;
        }
        Buffer collected = Buffer.buffer();
        boolean ok = upstream.statusCode() / 100 == 2;
        upstream.handler(b -> {
            call.activity();
            if (ok || collected.length() < MAX_ERROR_BODY) {
                collected.appendBuffer(b);
            }
        });
        upstream.exceptionHandler(err -> recorder.fail(ex, call.failure(err)));
        upstream.endHandler(v -> {
            if (ex.isFinished()) {
                return;
            }
            call.complete();
            byte[] bytes = collected.getBytes();
            String type = upstream.getHeader("content-type");
            HttpServerResponse response = ex.http.response();
            if (ok) {
                ex.usage = AnthropicPassthrough.usage(bytes);
                ex.status = 200;
            } else {
                GatewayException e = adapter.toError(ex.target.provider(), upstream.statusCode(),
                        upstream.getHeader("retry-after"), bytes);
                if (!AnthropicPassthrough.relayableError(ex.target.provider(), bytes)) {
                    recorder.fail(ex, e); // not Anthropic's shape, or about the gateway's own account
                    return;
                }
                ex.status = upstream.statusCode();
                ex.errorType = e.kind().code();
                String retryAfter = upstream.getHeader("retry-after");
                if (retryAfter != null) {
                    response.putHeader("retry-after", retryAfter);
                }
            }
            response.setStatusCode(upstream.statusCode())
                    .putHeader(HeaderNames.CONTENT_TYPE, type == null ? HeaderNames.APPLICATION_JSON : type)
                    .end(collected);
            recorder.finish(ex);
        });
    }

    private static String joined(Exchange ex, String header) {
        java.util.List<String> values = ex.http.headers().getAll(header);
        return values.isEmpty() ? null : String.join(",", values);
    }

    private void relayBody(Exchange ex, UpstreamCall call, HttpClientResponse upstream, ChatAdapter adapter) {
        Buffer collected = Buffer.buffer();
        upstream.handler(b -> {
            call.activity(); // each piece moves the idle deadline, as for streams
            collected.appendBuffer(b);
        });
        upstream.exceptionHandler(err -> recorder.fail(ex, call.failure(err)));
        upstream.endHandler(v -> {
            if (ex.isFinished()) {
                return;
            }
            call.complete();
            byte[] bytes = collected.getBytes();
            ChatAdapter.Answer answer;
            try {
                answer = adapter.fromUpstream(ex.request, ex.target.provider(), bytes);
            } catch (GatewayException e) {
                recorder.fail(ex, e);
                return;
            }
            byte[] encoded;
            try {
                encoded = ex.dialect.encodeAnswer(ex.request, answer.body());
            } catch (GatewayException e) {
                recorder.fail(ex, e);
                return;
            }
            ex.usage = answer.usage();
            ex.status = 200;
            boolean passedThrough = encoded == bytes; // same dialect: the provider's bytes as they came
            String type = passedThrough ? upstream.getHeader("content-type") : null;
            ex.http.response()
                    .setStatusCode(200)
                    .putHeader(HeaderNames.CONTENT_TYPE, type == null ? HeaderNames.APPLICATION_JSON : type)
                    .end(passedThrough ? collected : Buffer.buffer(encoded));
            recorder.finish(ex);
        });
    }

    private void relayError(Exchange ex, UpstreamCall call, HttpClientResponse upstream, ChatAdapter adapter) {
        Buffer collected = Buffer.buffer();
        upstream.handler(b -> {
            call.activity();
            if (collected.length() < MAX_ERROR_BODY) {
                collected.appendBuffer(b);
            }
        });
        upstream.exceptionHandler(err -> recorder.fail(ex, call.failure(err)));
        upstream.endHandler(v -> {
            call.complete();
            recorder.fail(ex, adapter.toError(ex.target.provider(), upstream.statusCode(),
                    upstream.getHeader("retry-after"), collected.getBytes()));
        });
    }

}
