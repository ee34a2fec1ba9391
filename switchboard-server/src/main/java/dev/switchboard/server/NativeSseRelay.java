package dev.switchboard.server;

import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.StreamFraming;
import dev.switchboard.provider.anthropic.AnthropicPassthrough;
import dev.switchboard.server.upstream.UpstreamResponse;
import dev.switchboard.usage.Usage;
import io.vertx.core.buffer.Buffer;
import dev.switchboard.server.wire.ClientSide;

/**
 * Relays an Anthropic stream to an Anthropic client byte for byte, while its events are read for usage, the end
 * (message_stop) and the provider's own error event (relayed as it came, then the stream ends).
 */
final class NativeSseRelay extends StreamRelay {
    private final AnthropicPassthrough.StreamWatcher watcher;
    private final StreamFraming parser;

    NativeSseRelay(Exchange ex, UpstreamCall call, ClientSide client, Runnable onFinish) {
        super(ex, call, client, onFinish);
        this.watcher = AnthropicPassthrough.newStreamWatcher(ex.target.provider());
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
