package dev.switchboard.server;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.StreamFraming;
import dev.switchboard.provider.StreamTranslator;
import dev.switchboard.sse.SseEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;

/**
 * Relays an upstream event stream to the client event by event, as it arrives, through the provider's
 * {@link StreamTranslator}. Pauses the upstream while the client's write queue is full, and on a broken
 * upstream (dropped connection, timeout, an event cut in half, an error event, a stream that never finished)
 * ends with one error event and no {@code [DONE]}. A stream whose provider said its last word (see
 * {@link StreamTranslator#ended()}) ends there, while the upstream body is read to its end. Confined to the
 * exchange's event loop.
 */
final class SseRelay {
    private final Exchange ex;
    private final UpstreamCall call;
    private final HttpServerResponse client;
    private final StreamTranslator translator;
    private final Runnable onFinish;
    private final StreamFraming parser;
    private Buffer pending;
    private GatewayException streamError;
    private boolean ended;

    SseRelay(Exchange ex, UpstreamCall call, HttpServerResponse client, ChatAdapter adapter, StreamTranslator translator,
             Runnable onFinish) {
        this.parser = adapter.newFraming(ex.target.provider(), this::onEvent); // SSE, or the dialect's own framing
        this.ex = ex;
        this.call = call;
        this.client = client;
        this.translator = translator;
        this.onFinish = onFinish;
    }

    void start(HttpClientResponse upstream) {
        client.setStatusCode(200)
                .setChunked(true)
                .putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache")
                .putHeader("x-accel-buffering", "no");
        ex.status = 200;
        upstream.handler(buf -> {
            if (ended) {
                return;
            }
            call.activity();
            pending = null;
            try {
                parser.feed(buf.getBytes());
            } catch (IllegalStateException e) {
                streamError = new GatewayException(ErrorKind.UPSTREAM_STREAM_BROKEN, "The upstream stream could not be parsed.");
            }
            if (pending != null) {
                client.write(pending);
            }
            if (streamError != null) {
                // fail first: cancelling resets the upstream, whose exception handler would otherwise end the
                // stream as a broken connection and hide the provider's own error (e.g. overloaded)
                fail(streamError);
                call.cancel();
            } else if (translator.ended()) {
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
            if (parser.hasPartialEvent() || !translator.completed()) {
                fail(new GatewayException(ErrorKind.UPSTREAM_STREAM_BROKEN, "The stream from provider '"
                        + ex.target.provider().name() + "' ended before it was complete."));
                return;
            }
            finish();
        });
        upstream.exceptionHandler(err -> fail(call.failure(err)));
        call.onTimeout(() -> fail(call.failure(null)));
    }

    /** Ends the client stream normally, with the usage the provider reported. */
    private void finish() {
        ended = true;
        ex.usage = translator.usage();
        pending = null;
        translator.onEnd(this::emit); // what a re-encoding translator held back for the end
        if (pending != null) {
            client.end(pending);
        } else {
            client.end();
        }
        onFinish.run();
    }

    /** Ends the client stream with one error event (never a fake finish or [DONE]). */
    void fail(GatewayException e) {
        if (ended) {
            return;
        }
        ended = true;
        ex.errorType = e.kind().code();
        ex.usage = translator.usage();
        if (!client.closed() && !client.ended()) {
            client.end(Buffer.buffer(ex.dialect.encodeStreamError(e)));
        }
        onFinish.run();
    }

    private void onEvent(SseEvent event) {
        if (streamError != null) {
            return;
        }
        try {
            translator.onEvent(event, this::emit);
        } catch (GatewayException e) {
            streamError = e; // an error event from the provider
        }
    }

    private void emit(byte[] framed) {
        if (ex.firstTokenNanos < 0) {
            ex.firstTokenNanos = System.nanoTime();
        }
        if (pending == null) {
            pending = Buffer.buffer();
        }
        pending.appendBytes(framed);
    }
}
