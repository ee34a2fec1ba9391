package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.openai.OpenAiErrorEncoder;
import dev.switchboard.json.Json;
import dev.switchboard.sse.SseEncoder;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.sse.SseParser;
import dev.switchboard.usage.OpenAiUsageReader;
import dev.switchboard.usage.Usage;
import dev.switchboard.usage.UsageScanner;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Relays an upstream OpenAI-dialect event stream to the client event by event, as it arrives.
 * Pauses the upstream while the client's write queue is full, reads usage from the stream, drops the
 * usage chunk the gateway asked for on its own account, and on a broken upstream ends with one error
 * event and no {@code [DONE]}. Confined to the exchange's event loop.
 */
final class SseRelay {
    private final Exchange ex;
    private final UpstreamCall call;
    private final HttpServerResponse client;
    private final boolean stripUsageChunk;
    private final Runnable onFinish;
    private final SseParser parser = new SseParser(this::onEvent);
    private Buffer pending;
    private boolean ended;

    SseRelay(Exchange ex, UpstreamCall call, HttpServerResponse client, boolean stripUsageChunk, Runnable onFinish) {
        this.ex = ex;
        this.call = call;
        this.client = client;
        this.stripUsageChunk = stripUsageChunk;
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
                fail(new GatewayException(dev.switchboard.error.ErrorKind.UPSTREAM_STREAM_BROKEN,
                        "The upstream stream could not be parsed."));
                call.cancel();
                return;
            }
            if (pending != null) {
                client.write(pending);
                if (client.writeQueueFull()) {
                    upstream.pause();
                    client.drainHandler(v -> upstream.resume());
                }
            }
        });
        upstream.endHandler(v -> {
            if (!ended) {
                call.complete();
                if (parser.hasPartialEvent()) {
                    fail(new GatewayException(dev.switchboard.error.ErrorKind.UPSTREAM_STREAM_BROKEN, "The stream from provider '"
                            + ex.target.provider().name() + "' ended in the middle of an event."));
                    return;
                }
                ended = true;
                client.end();
                onFinish.run();
            }
        });
        upstream.exceptionHandler(err -> fail(call.failure(err)));
        call.onTimeout(() -> fail(call.failure(null)));
    }

    /** Ends the client stream with one error event (never a fake finish or [DONE]). */
    void fail(GatewayException e) {
        if (ended) {
            return;
        }
        ended = true;
        ex.errorType = e.kind().code();
        if (!client.closed() && !client.ended()) {
            client.end(Buffer.buffer(SseEncoder.data(new String(OpenAiErrorEncoder.encode(e), StandardCharsets.UTF_8))));
        }
        onFinish.run();
    }

    private void onEvent(SseEvent event) {
        if (!event.isDone() && event.event() == null && UsageScanner.mayCarryUsage(event.data())) {
            if (readUsage(event.data()) && stripUsageChunk) {
                return;
            }
        }
        if (ex.firstTokenNanos < 0 && !event.isDone()) {
            ex.firstTokenNanos = System.nanoTime();
        }
        if (pending == null) {
            pending = Buffer.buffer();
        }
        pending.appendBytes(SseEncoder.encode(event));
    }

    /** Reads usage from a chunk; true when the chunk is only the usage chunk (no choices). */
    private boolean readUsage(String data) {
        try {
            JsonNode chunk = Json.MAPPER.readTree(data);
            Usage usage = OpenAiUsageReader.read(chunk.get("usage"));
            if (usage != null) {
                ex.usage = usage;
            }
            JsonNode choices = chunk.get("choices");
            return usage != null && (choices == null || (choices.isArray() && choices.isEmpty()));
        } catch (IOException e) {
            return false;
        }
    }
}
