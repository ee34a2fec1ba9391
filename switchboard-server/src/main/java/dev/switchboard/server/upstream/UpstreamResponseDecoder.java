package dev.switchboard.server.upstream;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;

/**
 * Netty's response decoder, told by the exchange when the request in flight was a {@code HEAD} (whose response has
 * headers that describe a body it never sends). Requests are written as bytes by {@link UpstreamRequests}, so no
 * request encoder sits in the pipeline to tell the decoder the method.
 */
final class UpstreamResponseDecoder extends HttpResponseDecoder {
    private boolean headRequest;

    UpstreamResponseDecoder(HttpDecoderConfig config) {
        super(config);
    }

    /** Set before each request is written; one request at a time per connection. */
    void headRequest(boolean head) {
        headRequest = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
        if (headRequest && msg instanceof HttpResponse response && response.status().code() >= 200) {
            return true;
        }
        return super.isContentAlwaysEmpty(msg);
    }
}
