package dev.switchboard.server;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.http.impl.Http1xServerConnection;

/**
 * Puts a {@link FastLane} into each new HTTP/1.x connection's pipeline, right after the HTTP codec. Vert.x
 * calls the connection handler while it sets the connection up, before any request is read, on the connection's
 * context. HTTP/2 connections keep Vert.x's path only. (Uses Vert.x's internal connection class: the only way to
 * reach the Netty pipeline of a server connection; a Vert.x upgrade that changes it turns the lane off with a warning.)
 */
final class FastLaneInstaller {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FastLaneInstaller.class);
    private static volatile boolean warned;

    private FastLaneInstaller() {}

    static void install(HttpConnection connection, FastLane.Calls calls) {
        if (!(connection instanceof Http1xServerConnection base)) {
            return; // HTTP/2 keeps Vert.x's path
        }
        ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
        if (pipeline.get("httpDecoder") == null || pipeline.get(FastLane.ENCODER) == null || pipeline.get("handler") == null) {
            if (!warned) {
                warned = true;
                LOG.warn("The fast lane is off: Vert.x's HTTP/1.1 pipeline is not the one it expects {}.", pipeline.names());
            }
            return;
        }
        // Right after the codec: the lane's own answers (bytes written past the encoder) skip Vert.x's h2c-upgrade and
        // chunked-write handlers, while Vert.x's answers still pass through the lane (which counts them to keep order).
        pipeline.addAfter(FastLane.ENCODER, FastLane.NAME, new FastLane(calls, (ContextInternal) base.context()));
    }
}
