package dev.switchboard.server;

import dev.switchboard.server.engine.OutcomeRecorder;
import dev.switchboard.server.engine.ModelCallHandler;
import dev.switchboard.server.call.Exchange;
import dev.switchboard.server.call.DeadlineSweeper;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.anthropic.AnthropicIngress;
import dev.switchboard.model.Operation;
import dev.switchboard.server.upstream.NettyUpstreamClient;
import dev.switchboard.server.upstream.UpstreamClient;
import dev.switchboard.telemetry.GatewayMetrics;
import dev.switchboard.telemetry.RoutingMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.internal.ContextInternal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.switchboard.server.wire.HeaderNames;
import dev.switchboard.server.upstream.VertxUpstreamClient;
import dev.switchboard.server.upstream.ProviderConnections;
import dev.switchboard.server.lane.FastLaneInstaller;
import dev.switchboard.server.lane.FrontDoor;
import dev.switchboard.server.lane.BodyReader;

/**
 * One event loop's share of the data plane: an HTTP server (the port is shared across instances) and its own
 * pooled upstream client, so a request never leaves the event loop that accepted it.
 */
final class GatewayVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
    private static final long SWALLOW_MAX_BYTES = 4L * 1024 * 1024;
    private static final long SWALLOW_IDLE_MILLIS = 1000;
    private static final int UPSTREAM_POOL_SIZE = 32 * 1024;

    private final SnapshotHolder snapshots;
    private final GatewayMetrics metrics;
    private final OutcomeRecorder recorder;
    private final RoutingMetrics routingMetrics;
    private final GovernanceRuntime governance;
    private final FrontDoor door;
    private final InternalEmbeddings embeddings;
    private final String host;
    private final int port;
    private ModelCallHandler models;
    private CallerStep callers;
    private HttpServer server;
    private HttpClient client;
    private UpstreamClient upstreams;
    private TelemetryEndpoints telemetry;

    GatewayVerticle(SnapshotHolder snapshots, GatewayMetrics metrics, OutcomeRecorder recorder, RoutingMetrics routingMetrics,
                    GovernanceRuntime governance, FrontDoor door, String host, int port, InternalEmbeddings embeddings) {
        this.governance = governance;
        this.embeddings = embeddings;
        this.door = door;
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.recorder = recorder;
        this.routingMetrics = routingMetrics;
        this.host = host;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setKeepAliveTimeout(60)
                        .setTcpNoDelay(true)
                        .setMaxInitialLineLength(16 * 1024)
                        .setMaxHeaderSize(64 * 1024),
                // no cap of Vert.x's own: providers[].max_connections is the cap, counted over all event loops
                // (ProviderConnections). The size only bounds the pool's slot array (32k: more than one
                // destination's ephemeral ports); nothing waits in a queue for a connection.
                new PoolOptions().setHttp1MaxSize(UPSTREAM_POOL_SIZE).setMaxWaitQueueSize(0));
        boolean fastLane = snapshots.get().config().server().fastLane();
        boolean h2c = snapshots.get().config().server().http2Cleartext();
        upstreams = fastLane ? new NettyUpstreamClient((ContextInternal) context) : new VertxUpstreamClient(client);
        models = new ModelCallHandler(vertx, new DeadlineSweeper(vertx), upstreams, client, recorder, routingMetrics,
                governance.admission, ProviderConnections.shared(vertx, metrics.registry()));
        callers = new CallerStep(governance.auth, recorder);
        embeddings.add(context, models); // the semantic cache's embeddings may run on this loop
        telemetry = new TelemetryEndpoints(vertx, metrics, true, snapshots.get().config().telemetry().ownListener());
        server = vertx.createHttpServer(new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                // no WebSockets here: without their extension handler, every answer skips one pipeline step
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false)
                .setMaxHeaderSize(64 * 1024)
                // h2c only when asked for: an "Upgrade: h2c" is otherwise ignored (RFC 9113 deprecates it) and the
                // request answered in HTTP/1.1, since clients that upgrade by default (Java's HttpClient) can misread
                // a large answer that follows the 101 at once
                .setHttp2ClearTextEnabled(h2c));
        LaneCalls lane = fastLane ? new LaneCalls(snapshots, recorder, callers, models) : null;
        server.connectionHandler(connection -> FastLaneInstaller.install(connection, door, lane));
        return server.requestHandler(this::handle).listen();
    }

    int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        // Stop accepting, let requests in flight (long streams included) finish up to the drain timeout.
        long drainMs = snapshots.get().config().server().drainTimeout().toMillis();
        embeddings.remove(context);
        return server.shutdown(drainMs, java.util.concurrent.TimeUnit.MILLISECONDS)
                .eventually(() -> upstreams.close())
                .eventually(() -> client.close());
    }

    private void handle(HttpServerRequest req) {
        Exchange ex = RequestIds.open(new VertxClientSide(req), snapshots.get());
        recorder.guarded(ex, () -> route(ex, req));
    }

    private void route(Exchange ex, HttpServerRequest req) {
        String path = req.path();
        if (path.equals("/v1/models") || path.startsWith("/v1/models/")) {
            ModelsHandler.pickDialect(ex); // before any refusal, so that even a 401, 403 or 405 is in the caller's shape
        }
        if (req.version() == HttpVersion.HTTP_2) {
            globalNetworkRules(req); // HTTP/1 requests met them in the HeadGate, before this
        }
        HttpMethod method = req.method();
        switch (path) {
            case "/v1/chat/completions" -> modelCall(ex, req, Operation.CHAT);
            case "/v1/completions" -> modelCall(ex, req, Operation.COMPLETIONS);
            case "/v1/embeddings" -> modelCall(ex, req, Operation.EMBEDDINGS);
            case "/v1/messages" -> {
                ex.dialect(AnthropicIngress.INSTANCE);
                modelCall(ex, req, Operation.CHAT);
            }
            case "/v1/messages/count_tokens" -> {
                ex.dialect(AnthropicIngress.INSTANCE);
                countTokens(ex, req);
            }
            case "/v1/models" -> {
                ex.operation("models");
                requireMethod(req, HttpMethod.GET);
                authenticated(ex, req, () -> {
                    ModelsHandler.list(ex, ex.snapshot().router(), ex.key(), req.query(), req.response());
                    ex.status(200);
                    recorder.finish(ex);
                });
            }
            case "/healthz" -> plain(ex, req, 200, "application/json", "{\"status\":\"ok\"}");
            case "/readyz" -> {
                if (snapshots.draining()) {
                    plain(ex, req, 503, "application/json", "{\"status\":\"draining\"}");
                } else {
                    plain(ex, req, 200, "application/json", governance.readyBody());
                }
            }
            case "/v1/access-requests" -> {
                ex.operation("access_request");
                requireMethod(req, HttpMethod.POST);
                authenticated(ex, req, () -> BodyReader.read(door, req, AccessRequestHandler.MAX_BODY_BYTES).onComplete(ar -> recorder.guarded(ex, () -> {
                    if (ar.failed()) {
                        throw new GatewayException(ErrorKind.INVALID_REQUEST, "The request body could not be read.");
                    }
                    AccessRequestHandler.submit(vertx, governance.store, governance.accessRequestLimit, ex, ar.result()).onComplete(done -> recorder.guarded(ex, () -> {
                        if (done.failed()) {
                            throw done.cause() instanceof GatewayException g ? g
                                    : new GatewayException(ErrorKind.INTERNAL, "The access request could not be stored.");
                        }
                        ex.status(202);
                        req.response().setStatusCode(202).putHeader(HeaderNames.CONTENT_TYPE, HeaderNames.APPLICATION_JSON)
                                .end(io.vertx.core.buffer.Buffer.buffer(done.result()));
                        recorder.finish(ex);
                    }));
                })));
            }
            case TelemetryEndpoints.HEALTH, TelemetryEndpoints.METRICS -> {
                if (!telemetry.served()) { // they are on the telemetry listener
                    throw new GatewayException(ErrorKind.NOT_FOUND, "Unknown path: " + method + " " + path);
                }
                ex.markFinished(); // scrapes are not model traffic: no metrics, no access log
                telemetry.serve(req, ex.snapshot());
            }
            default -> {
                if (path.startsWith("/v1/models/")) {
                    ex.operation("models");
                    requireMethod(req, HttpMethod.GET);
                    authenticated(ex, req, () -> {
                        ModelsHandler.one(ex, ex.snapshot().router(), ex.key(), decodeSegment(path.substring("/v1/models/".length())),
                                req.response());
                        ex.status(200);
                        recorder.finish(ex);
                    });
                } else {
                    throw new GatewayException(ErrorKind.NOT_FOUND, "Unknown path: " + method + " " + path);
                }
            }
        }
    }

    private void modelCall(Exchange ex, HttpServerRequest req, Operation op) {
        ex.operation(LaneCalls.operationName(op));
        requireMethod(req, HttpMethod.POST);
        authenticated(ex, req, () -> readModelCall(ex, req, op));
    }

    private void readModelCall(Exchange ex, HttpServerRequest req, Operation op) {
        BodyReader.read(door, req, ex.snapshot().config().server().maxBodyBytes()).onComplete(ar -> {
            if (ar.failed()) {
                GatewayException e = ar.cause() instanceof GatewayException g ? g
                        : new GatewayException(ErrorKind.INVALID_REQUEST, "The request body could not be read.");
                // HTTP/1.x only: HTTP/2 forbids connection-specific headers (clients reject the response)
                boolean close = e.kind() == ErrorKind.BODY_TOO_LARGE && req.version() != HttpVersion.HTTP_2;
                if (close) {
                    req.response().putHeader("connection", "close");
                }
                recorder.fail(ex, e);
                if (close) {
                    closeAfterSwallowing(req);
                }
                return;
            }
            recorder.guarded(ex, () -> models.handle(ex, op, ar.result().getBytes()));
        });
    }

    /**
     * Anthropic's token counting: the same checks as a call (key, model, policy), counted as one free request against
     * requests-per-minute limits, answered with an estimate.
     */
    private void countTokens(Exchange ex, HttpServerRequest req) {
        ex.operation("count_tokens");
        requireMethod(req, HttpMethod.POST);
        authenticated(ex, req, () -> BodyReader.read(door, req, ex.snapshot().config().server().maxBodyBytes()).onComplete(ar -> recorder.guarded(ex, () -> {
            if (ar.failed()) {
                throw ar.cause() instanceof GatewayException g ? g
                        : new GatewayException(ErrorKind.INVALID_REQUEST, "The request body could not be read.");
            }
            TokenCountHandler.Count count = TokenCountHandler.count(ex, ar.result().getBytes());
            governance.admission.admitFree(ex, count.plan()).onComplete(admitted -> recorder.guarded(ex, () -> {
                if (ex.isFinished()) {
                    return;
                }
                if (admitted.failed()) {
                    throw admitted.cause() instanceof GatewayException g ? g
                            : new GatewayException(ErrorKind.INTERNAL, "Limits could not be checked.");
                }
                ex.status(200);
                req.response().setStatusCode(200).putHeader(HeaderNames.CONTENT_TYPE, HeaderNames.APPLICATION_JSON)
                        .end(io.vertx.core.buffer.Buffer.buffer(count.answer()));
                recorder.finish(ex);
            }));
        })));
    }

    private void globalNetworkRules(HttpServerRequest req) {
        var network = door.network();
        if (network != null && network.hasGlobalRules()) {
            GatewayException no = network.globalRefusal(req.remoteAddress() == null ? "" : req.remoteAddress().hostAddress(),
                    req.headers().getAll("x-forwarded-for"));
            if (no != null) {
                throw no;
            }
        }
    }

    /**
     * Finds the caller, then runs the next step; the request body waits (paused) while a JWT's key is fetched. A
     * refused caller is answered at once; a large body still to come is not read: the connection closes after a
     * bounded swallow.
     */
    private void authenticated(Exchange ex, HttpServerRequest req, Runnable next) {
        try {
            callers.then(ex, req::pause, req::resume, next);
        } catch (GatewayException e) {
            if (req.isEnded() || req.version() == HttpVersion.HTTP_2 || !largeBodyAhead(req)) {
                throw e;
            }
            req.response().putHeader("connection", "close");
            recorder.fail(ex, e);
            closeAfterSwallowing(req);
        }
    }

    private static boolean largeBodyAhead(HttpServerRequest req) {
        String length = req.getHeader("content-length");
        if (length == null) {
            return req.getHeader("transfer-encoding") != null;
        }
        try {
            return Long.parseLong(length.trim()) > 64 * 1024;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /**
     * After a 413 on HTTP/1.x: the 'connection: close' header alone does not make Vert.x close, it would read the
     * refused body to its end, however large. Like nginx and Tomcat, drop a bounded amount of what the client is
     * still sending (so it can read the answer instead of being reset mid-upload), then close.
     */
    private void closeAfterSwallowing(HttpServerRequest req) {
        HttpConnection connection = req.connection();
        if (req.isEnded()) {
            connection.close();
            return;
        }
        long[] dropped = {0};
        long[] timer = {vertx.setTimer(SWALLOW_IDLE_MILLIS, id -> connection.close())};
        req.handler(chunk -> {
            vertx.cancelTimer(timer[0]);
            dropped[0] += chunk.length();
            if (dropped[0] > SWALLOW_MAX_BYTES) {
                connection.close();
            } else {
                timer[0] = vertx.setTimer(SWALLOW_IDLE_MILLIS, id -> connection.close());
            }
        });
        req.endHandler(v -> {
            vertx.cancelTimer(timer[0]);
            connection.close();
        });
    }

    private void plain(Exchange ex, HttpServerRequest req, int status, String type, String body) {
        ex.status(status);
        req.response().setStatusCode(status).putHeader("content-type", type).end(body);
        ex.markFinished(); // probes and scrapes are not model traffic: no metrics, no access log
    }

    /** Percent-decodes a path segment: SDKs send a model id such as {@code fake/gpt-4o} as {@code fake%2Fgpt-4o}. */
    private static String decodeSegment(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw; // malformed escape: look it up as written (and answer not found)
        }
    }

    private static void requireMethod(HttpServerRequest req, HttpMethod expected) {
        if (!req.method().equals(expected)) {
            req.response().putHeader("allow", expected.name()); // RFC 9110: a 405 names the allowed methods
            throw new GatewayException(ErrorKind.METHOD_NOT_ALLOWED, "Use " + expected + " for this path.");
        }
    }
}
