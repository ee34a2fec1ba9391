package dev.switchboard.server;

import dev.switchboard.config.TelemetryConfig;
import dev.switchboard.telemetry.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The {@code telemetry.listen} listener: {@code /metrics} and {@code /health/providers} only (404 for anything
 * else), so they can be bound to a private interface apart from model traffic. Stopped with Vert.x.
 */
final class TelemetryListener {
    private TelemetryListener() {}

    /** Starts listening; the future holds the bound port. */
    static Future<Integer> start(Vertx vertx, TelemetryConfig tc, GatewayMetrics metrics, SnapshotHolder snapshots) {
        TelemetryEndpoints endpoints = new TelemetryEndpoints(vertx, metrics, false, true);
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                .setHost(tc.host())
                .setPort(tc.port())
                .setTcpNoDelay(true)
                .setMaxInitialLineLength(4096)
                .setMaxHeaderSize(16 * 1024)
                .setIdleTimeout(60)
                .setHttp2ClearTextEnabled(false)); // HTTP/1.1 only, as the main listener by default (docs/data-plane.md)
        return server.requestHandler(req -> {
            if (TelemetryEndpoints.isTelemetryPath(req.path())) {
                endpoints.serve(req, snapshots.get());
            } else {
                TelemetryEndpoints.error(req.response(), 404, "invalid_request_error", "not_found",
                        "Unknown path: this listener serves /metrics and /health/providers.");
            }
        }).listen().map(HttpServer::actualPort);
    }
}
