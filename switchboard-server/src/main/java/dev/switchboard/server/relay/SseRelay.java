package dev.switchboard.server.relay;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.StreamFraming;
import dev.switchboard.provider.StreamTranslator;
import dev.switchboard.server.call.Exchange;
import dev.switchboard.server.call.UpstreamCall;
import dev.switchboard.server.upstream.UpstreamResponse;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.usage.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;
import dev.switchboard.server.wire.ClientSide;

/**
 * Relays an upstream stream event by event through the provider's {@link StreamTranslator}, which re-frames it in
 * the client's dialect; an error event from the provider ends the stream with the gateway's error event.
 */
public final class SseRelay extends StreamRelay {
    private final StreamTranslator translator;
    private final StreamFraming parser;
    private Buffer pending;
    private GatewayException streamError;

    public SseRelay(Exchange ex, UpstreamCall call, ClientSide client, ChatAdapter adapter, StreamTranslator translator,
             Runnable onFinish) {
        super(ex, call, client, onFinish);
        this.translator = translator;
        this.parser = adapter.newFraming(ex.target.provider(), this::onEvent); // SSE, or the dialect's own framing
    }

    @Override
    protected Buffer relay(Buffer upstreamBytes) {
        pending = null;
        try {
            parser.feed(upstreamBytes.getBytes());
        } catch (IllegalStateException e) {
            // what parsed before the bad bytes still goes out, then the stream ends with the error
            streamError = new GatewayException(ErrorKind.UPSTREAM_STREAM_BROKEN, "The upstream stream could not be parsed.");
        }
        return pending;
    }

    @Override
    protected GatewayException failure() {
        return streamError;
    }

    @Override
    protected boolean endedByProvider() {
        return translator.ended();
    }

    @Override
    protected boolean complete() {
        return !parser.hasPartialEvent() && translator.completed();
    }

    @Override
    protected Usage usage() {
        return translator.usage();
    }

    @Override
    protected void onEnd(Consumer<byte[]> out) {
        translator.onEnd(out); // what a re-encoding translator held back for the end
    }

    @Override
    protected String contentType(UpstreamResponse upstream) {
        return "text/event-stream; charset=utf-8";
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
        if (pending == null) {
            pending = Buffer.buffer();
        }
        pending.appendBytes(framed);
    }
}
