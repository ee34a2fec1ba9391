package dev.switchboard.server.upstream;

import dev.switchboard.server.upstream.UpstreamClient;
import dev.switchboard.server.upstream.UpstreamExchange;
import dev.switchboard.server.upstream.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import dev.switchboard.server.wire.HeaderNames;

/** Upstream calls over Vert.x's pooled HTTP client: the transport when the Netty lane is switched off. */
public final class VertxUpstreamClient implements UpstreamClient {
    private final HttpClient client;

    public VertxUpstreamClient(HttpClient client) {
        this.client = client;
    }

    @Override
    public UpstreamExchange send(String method, String url, Map<String, String> headers, byte[] body, long connectTimeoutMillis) {
        RequestOptions options = UpstreamAddress.apply(new RequestOptions(), url)
                .setMethod(HttpMethod.valueOf(method))
                .setConnectTimeout(connectTimeoutMillis);
        for (Map.Entry<String, String> h : headers.entrySet()) {
            options.putHeader(HeaderNames.of(h.getKey()), h.getValue());
        }
        if (options.getHeaders() == null || !options.getHeaders().contains(HeaderNames.USER_AGENT)) {
            options.putHeader(HeaderNames.USER_AGENT, HeaderNames.USER_AGENT_VALUE);
        }
        Call call = new Call();
        call.response = client.request(options)
                .compose(req -> {
                    call.request = req;
                    if (call.resetCause != null) {
                        req.reset();
                        return Future.failedFuture(call.resetCause);
                    }
                    call.sent = true;
                    Future<Void> written = body == null ? req.end() : req.end(Buffer.buffer(body));
                    written.onSuccess(call);
                    return req.response();
                })
                .map(http -> new Response(http, call));
        return call;
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }

    /** Also learns when the request was written in full. */
    private static final class Call implements UpstreamExchange, Handler<Void> {
        private Future<UpstreamResponse> response;
        private HttpClientRequest request;
        private Throwable resetCause;
        private boolean sent;
        private boolean written;

        @Override
        public void handle(Void ignored) {
            written = true;
        }

        /**
         * The response ended before the request was written in full (the upstream answered early): the rest of the
         * body would go out ahead of the next request on this connection, so the connection is closed, not reused.
         */
        void responseEnded() {
            if (!written && request != null) {
                request.connection().close();
            }
        }

        @Override
        public Future<UpstreamResponse> response() {
            return response;
        }

        /** Sending began, so the provider may have the request (settlement charges from here); cf. {@code written}. */
        @Override
        public boolean written() {
            return sent;
        }

        @Override
        public void reset(Throwable cause) {
            if (resetCause != null) {
                return;
            }
            resetCause = cause;
            if (request != null) {
                request.reset(0, cause);
            }
        }
    }

    private record Response(HttpClientResponse http, Call call) implements UpstreamResponse {
        @Override
        public int statusCode() {
            return http.statusCode();
        }

        @Override
        public String getHeader(String name) {
            return http.getHeader(name);
        }

        @Override
        public UpstreamResponse handler(Handler<Buffer> chunk) {
            http.handler(chunk);
            return this;
        }

        @Override
        public UpstreamResponse endHandler(Handler<Void> end) {
            http.endHandler(v -> {
                call.responseEnded();
                end.handle(v);
            });
            return this;
        }

        @Override
        public UpstreamResponse exceptionHandler(Handler<Throwable> failure) {
            http.exceptionHandler(failure);
            return this;
        }

        @Override
        public void pause() {
            http.pause();
        }

        @Override
        public void resume() {
            http.resume();
        }
    }
}
