package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.TelemetryConfig;
import dev.switchboard.json.Json;
import dev.switchboard.runtime.Snapshot;
import dev.switchboard.secret.Secret;
import dev.switchboard.telemetry.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import dev.switchboard.server.wire.HeaderNames;
import dev.switchboard.server.health.HealthReport;

/**
 * {@code GET /metrics} and {@code GET /health/providers}, on the main listener or on the telemetry listener.
 * With {@code telemetry.token} both ask for {@code Authorization: Bearer <token>} (401 otherwise); with
 * {@code telemetry.listen} the main listener answers 404 for both. The scrape and the report are built on one
 * shared worker thread, never on an event loop, and at most {@link #MAX_PENDING} wait per instance (503 beyond).
 * One instance per event loop (or listener); the worker is shared by name.
 */
final class TelemetryEndpoints {
    static final String METRICS = "/metrics";
    static final String HEALTH = "/health/providers";
    private static final int MAX_PENDING = 16;
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final GatewayMetrics metrics;
    private final WorkerExecutor worker;
    private final boolean mainListener;
    private final boolean separateListener;
    private final AtomicInteger pending = new AtomicInteger();

    /**
     * @param mainListener whether this instance serves the main (model traffic) listener
     * @param separateListener whether a telemetry listener runs (the main listener then hides both paths)
     */
    TelemetryEndpoints(Vertx vertx, GatewayMetrics metrics, boolean mainListener, boolean separateListener) {
        this.metrics = metrics;
        this.worker = vertx.createSharedWorkerExecutor("switchboard-telemetry", 1);
        this.mainListener = mainListener;
        this.separateListener = separateListener;
    }

    static boolean isTelemetryPath(String path) {
        return METRICS.equals(path) || HEALTH.equals(path);
    }

    /** Whether the main listener answers these paths at all (false: 404, like any unknown path). */
    boolean served() {
        return !(mainListener && separateListener);
    }

    /** Answers {@code req} (a telemetry path, see {@link #isTelemetryPath}) with the snapshot's settings. */
    void serve(HttpServerRequest req, Snapshot snapshot) {
        long asked = System.nanoTime();
        TelemetryConfig tc = snapshot.config().telemetry();
        boolean tokenShown = tc.token() != null && tokenMatches(req.getHeader("authorization"), tc.token());
        if (tc.token() != null && !tokenShown) {
            req.response().putHeader("www-authenticate", "Bearer realm=\"switchboard-telemetry\"");
            error(req.response(), 401, "authentication_error", "invalid_telemetry_token",
                    "This endpoint needs the telemetry token: Authorization: Bearer <telemetry.token>.");
            return;
        }
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            error(req.response(), 503, "api_error", "telemetry_busy", "Too many telemetry requests at once; retry shortly.");
            return;
        }
        // the token, or a listener the operator bound for telemetry, earns the full detail
        boolean trusted = tokenShown || !mainListener;
        Callable<String> build = METRICS.equals(req.path()) ? () -> metrics.scrapeSince(asked)
                : () -> HealthReport.json(snapshot, snapshot.router().registry(), trusted);
        CharSequence type = METRICS.equals(req.path()) ? PROMETHEUS_TYPE : HeaderNames.APPLICATION_JSON;
        Future<String> body = worker.executeBlocking(build, false);
        body.onComplete(ar -> {
            pending.decrementAndGet();
            HttpServerResponse res = req.response();
            if (res.ended() || res.closed()) {
                return;
            }
            if (ar.failed()) {
                error(res, 500, "api_error", "internal_error", "The telemetry answer could not be built.");
            } else {
                res.setStatusCode(200).putHeader("content-type", type).end(ar.result());
            }
        });
    }

    /** Constant time: the comparison does not tell how much of a guess was right. */
    private static boolean tokenMatches(String authorization, Secret token) {
        if (authorization == null || authorization.length() < 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] shown = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(shown, token.value().getBytes(StandardCharsets.UTF_8));
    }

    static void error(HttpServerResponse res, int status, String type, String code, String message) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.putObject("error").put("message", message).put("type", type).putNull("param").put("code", code);
        res.setStatusCode(status).putHeader("content-type", HeaderNames.APPLICATION_JSON).end(root.toString());
    }
}
