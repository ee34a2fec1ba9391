package dev.switchboard.server;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.StreamFraming;
import dev.switchboard.provider.anthropic.AnthropicPassthrough;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;

/**
 * Relays an Anthropic stream to an Anthropic client byte for byte, as it arrives, while its events are read for
 * usage, the end (message_stop) and the provider's own error event (relayed as it came, then the stream ends).
 * A stream broken on the way (dropped connection, timeout, unparseable bytes, no message_stop) ends with one error
 * event of the gateway's. Pauses the upstream while the client's write queue is full. Confined to the exchange's
 * event loop.
 */
final class NativeSseRelay {
    private final Exchange ex;
    private final UpstreamCall call;
    private final HttpServerResponse client;
    private final Runnable onFinish;
    private final AnthropicPassthrough.StreamWatcher watcher;
    private final StreamFraming parser;
    private boolean ended;

    NativeSseRelay(Exchange ex, UpstreamCall call, HttpServerResponse client, Runnable onFinish) {
        this.ex = ex;
        this.call = call;
        this.client = client;
        this.onFinish = onFinish;
        this.watcher = AnthropicPassthrough.newStreamWatcher(ex.target.provider());
        this.parser = StreamFraming.sse(watcher::onEvent);
    }

    void start(HttpClientResponse upstream) {
        String type = upstream.getHeader("content-type");
        client.setStatusCode(200)
                .setChunked(true)
                .putHeader("content-type", type != null ? type : "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache")
                .putHeader("x-accel-buffering", "no");
        ex.status = 200;
        upstream.handler(buf -> {
            if (ended) {
                return;
            }
            call.activity();
            try {
                parser.feed(buf.getBytes());
            } catch (IllegalStateException e) {
                fail(new GatewayException(ErrorKind.UPSTREAM_STREAM_BROKEN, "The upstream stream could not be parsed."));
                call.cancel();
                return;
            }
            if (ex.firstTokenNanos < 0) {
                ex.firstTokenNanos = System.nanoTime();
            }
            client.write(buf);
            if (watcher.error() != null) {
                // the provider's error event went out as it came: end there, the gateway adds nothing
                ex.errorType = watcher.error().kind().code();
                finish();
                call.cancel();
            } else if (watcher.completed()) {
                finish(); // the upstream's own end is still read, so its connection can be reused
            } else if (client.writeQueueFull()) {
                upstream.pause();
                client.drainHandler(v -> upstream.resume());
            }
        });
        upstream.endHandler(v -> {
            call.complete();
            if (ended) {
                return;
            }
            if (parser.hasPartialEvent() || !watcher.completed()) {
                fail(new GatewayException(ErrorKind.UPSTREAM_STREAM_BROKEN, "The stream from provider '"
                        + ex.target.provider().name() + "' ended before it was complete."));
                return;
            }
            finish();
        });
        upstream.exceptionHandler(err -> fail(call.failure(err)));
        call.onTimeout(() -> fail(call.failure(null)));
    }

    private void finish() {
        ended = true;
        ex.usage = watcher.usage();
        client.end();
        onFinish.run();
    }

    private void fail(GatewayException e) {
        if (ended) {
            return;
        }
        ended = true;
        ex.errorType = e.kind().code();
        ex.usage = watcher.usage();
        if (!client.closed() && !client.ended()) {
            client.end(Buffer.buffer(ex.dialect.encodeStreamError(e)));
        }
        onFinish.run();
    }
}
