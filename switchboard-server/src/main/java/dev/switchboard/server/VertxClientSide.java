package dev.switchboard.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import dev.switchboard.server.wire.ClientSide;

/** A client exchange carried by Vert.x's HTTP server (every path, HTTP/1.x and HTTP/2). */
final class VertxClientSide implements ClientSide {
    private final HttpServerRequest request;
    private final HttpServerResponse response;

    VertxClientSide(HttpServerRequest request) {
        this.request = request;
        this.response = request.response();
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public List<String> headers(String name) {
        return request.headers().getAll(name);
    }

    @Override
    public String remoteAddress() {
        SocketAddress address = request.remoteAddress();
        return address == null ? null : address.hostAddress();
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String path() {
        return request.path();
    }

    @Override
    public void putHeader(CharSequence name, CharSequence value) {
        response.putHeader(name, oneLine(value));
    }

    /** A header value never ends its line (Vert.x would throw): CR and LF become spaces, as on the fast lane. */
    static CharSequence oneLine(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                return value.toString().replace('\r', ' ').replace('\n', ' ');
            }
        }
        return value;
    }

    @Override
    public void removeHeader(CharSequence name) {
        response.headers().remove(name);
    }

    @Override
    public void end(int status, Buffer body) {
        response.setStatusCode(status).end(body);
    }

    @Override
    public void startChunked(int status) {
        response.setStatusCode(status).setChunked(true);
    }

    @Override
    public void write(Buffer chunk) {
        response.write(chunk);
    }

    @Override
    public void endChunked(Buffer tail) {
        if (tail == null) {
            response.end();
        } else {
            response.end(tail);
        }
    }

    @Override
    public boolean writeQueueFull() {
        return response.writeQueueFull();
    }

    @Override
    public void drainHandler(Runnable onDrain) {
        response.drainHandler(v -> onDrain.run());
    }

    @Override
    public void closeHandler(Runnable onClose) {
        response.closeHandler(v -> onClose.run());
    }

    @Override
    public boolean headWritten() {
        return response.headWritten();
    }

    @Override
    public boolean ended() {
        return response.ended();
    }

    @Override
    public boolean closed() {
        return response.closed();
    }
}
