package dev.switchboard.server.relay;

import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.StreamFraming;
import dev.switchboard.provider.NativePassthrough;
import dev.switchboard.server.call.Exchange;
import dev.switchboard.server.call.UpstreamCall;
import dev.switchboard.server.upstream.UpstreamResponse;
import dev.switchboard.usage.Usage;
import io.vertx.core.buffer.Buffer;
import dev.switchboard.server.wire.ClientSide;

/**
 * Relays a provider's stream to a client of the same dialect byte for byte, while the pass-through's watcher reads
 * its events for usage, the end and the provider's own error event (relayed as it came, then the stream ends).
 */
public final class NativeSseRelay extends StreamRelay {
    private final NativePassthrough.StreamWatcher watcher;
    private final StreamFraming parser;

    public NativeSseRelay(Exchange ex, UpstreamCall call, ClientSide client, NativePassthrough passthrough, Runnable onFinish) {
        super(ex, call, client, onFinish);
        this.watcher = passthrough.newStreamWatcher();
        this.parser = StreamFraming.sse(watcher::onEvent);
    }

    @Override
    protected Buffer relay(Buffer upstreamBytes) {
        parser.feed(upstreamBytes.getBytes()); // read only: the bytes themselves go out unchanged
        return upstreamBytes;
    }

    @Override
    protected GatewayException failure() {
        return null;
    }

    @Override
    protected GatewayException relayedError() {
        return watcher.error();
    }

    @Override
    protected boolean endedByProvider() {
        return watcher.completed();
    }

    @Override
    protected boolean complete() {
        return !parser.hasPartialEvent() && watcher.completed();
    }

    @Override
    protected Usage usage() {
        return watcher.usage();
    }

    @Override
    protected String contentType(UpstreamResponse upstream) {
        String type = upstream.getHeader("content-type");
        return type != null ? type : "text/event-stream; charset=utf-8";
    }
}
