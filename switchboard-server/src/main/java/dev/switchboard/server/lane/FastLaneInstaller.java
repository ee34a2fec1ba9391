package dev.switchboard.server.lane;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.http.impl.Http1xServerConnection;

/**
 * Puts the {@link HeadGate} and (when on) the {@link FastLane} into each new HTTP/1.x connection's pipeline, right after
 * the HTTP codec. Vert.x calls the connection handler once the first request head has been decoded (it decides
 * between HTTP/1.1 and an h2c upgrade on it), on the connection's context, and only then passes that head on from its
 * h2c handler: so the two go right after that handler while it is still there, and the first request meets them too.
 * HTTP/2 connections keep Vert.x's path only, and are not timed by the {@link ConnectionGuard}. (Uses Vert.x's
 * internal connection class: the only way to reach the Netty pipeline of a server connection; a Vert.x upgrade that
 * changes it turns the lane off with a warning.)
 */
public final class FastLaneInstaller {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FastLaneInstaller.class);
    /** Vert.x's name for its h2c upgrade handler, present until the first request has passed it. */
    private static final String H2C = "h2c";
    private static volatile boolean warned;

    private FastLaneInstaller() {}

    /** @param calls null when the fast lane is off (the gate still goes in) */
    public static void install(HttpConnection connection, FrontDoor door, FastLane.Calls calls) {
        if (!(connection instanceof Http1xServerConnection base)) {
            if (connection instanceof io.vertx.core.http.impl.HttpServerConnection any
                    && any.channelHandlerContext().pipeline().get(ConnectionGuard.NAME) instanceof ConnectionGuard guard) {
                guard.untimed();
            }
            return; // HTTP/2 keeps Vert.x's path
        }
        ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
        if (pipeline.get("httpDecoder") == null || pipeline.get(FastLane.ENCODER) == null || pipeline.get("handler") == null) {
            if (!warned) {
                warned = true;
                LOG.warn("The fast lane is off: Vert.x's HTTP/1.1 pipeline is not the one it expects {}.", pipeline.names());
            }
            if (pipeline.get(ConnectionGuard.NAME) instanceof ConnectionGuard guard) {
                guard.untimed(); // without the gate it would not learn where requests stand
            }
            return;
        }
        // Right after the codec: the lane's own answers (bytes written past the encoder) skip Vert.x's h2c-upgrade and
        // chunked-write handlers, while Vert.x's answers still pass through the lane (which counts them to keep order).
        String anchor = pipeline.get(H2C) != null ? H2C : FastLane.ENCODER;
        pipeline.addAfter(anchor, HeadGate.NAME, new HeadGate(door));
        if (calls != null) {
            pipeline.addAfter(HeadGate.NAME, FastLane.NAME, new FastLane(calls, (ContextInternal) base.context()));
        }
    }
}
