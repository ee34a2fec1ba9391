package dev.switchboard.server.upstream;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A real Vert.x HTTP server that records every request (with its server-side connection) before a test's handler answers. */
final class RecordingServer implements AutoCloseable {
    record Seen(String method, String uri, MultiMap headers, Buffer body, HttpConnection connection) {}

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    RecordingServer(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> answer) throws Exception {
        server = vertx.createHttpServer(options).requestHandler(request -> request.body().onSuccess(body -> {
            seen.add(new Seen(request.method().name(), request.uri(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
                    body, request.connection()));
            answer.handle(request);
        }));
        server.listen(0, options.getHost()).await(ClientHarness.WAIT_SECONDS, TimeUnit.SECONDS);
    }

    RecordingServer(Vertx vertx, Handler<HttpServerRequest> answer) throws Exception {
        this(vertx, new HttpServerOptions().setHost("127.0.0.1"), answer);
    }

    int port() {
        return server.actualPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    @Override
    public void close() throws Exception {
        server.close().await(ClientHarness.WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
