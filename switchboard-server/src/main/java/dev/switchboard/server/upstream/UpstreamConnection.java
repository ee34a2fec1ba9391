package dev.switchboard.server.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * The last handler of one pooled connection: hands decoded messages and transport events to the exchange currently
 * using the connection. Event-loop confined.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter implements ChannelFutureListener {
    private final ConnectionPool pool;
    private Channel channel;
    private UpstreamResponseDecoder decoder;
    private NettyExchange exchange;
    private long idleSinceNanos;
    private boolean requestWritten;

    UpstreamConnection(ConnectionPool pool) {
        this.pool = pool;
    }

    Channel channel() {
        return channel;
    }

    void bind(Channel channel) {
        this.channel = channel;
    }

    UpstreamResponseDecoder decoder(UpstreamResponseDecoder installed) {
        decoder = installed;
        return installed;
    }

    /** Writes a request; the decoder learns whether its response can have a body. */
    void write(UpstreamRequests.Encoded request) {
        decoder.headRequest(request.headRequest());
        requestWritten = false;
        ChannelPromise written = channel.newPromise();
        written.addListener(this);
        channel.writeAndFlush(request.bytes(), written);
    }

    /** The request's last byte went to the socket, or the write failed (then as a transport failure). */
    @Override
    public void operationComplete(ChannelFuture write) {
        if (write.isSuccess()) {
            requestWritten = true;
        } else {
            NettyExchange current = exchange;
            exchange = null;
            if (current != null) {
                current.onTransportFailure(write.cause());
            }
            channel.close();
        }
    }

    long idleSince() {
        return idleSinceNanos;
    }

    void idleSince(long nanos) {
        idleSinceNanos = nanos;
    }

    /** Starts {@code next} on this connection (fresh or taken from the pool). */
    void assign(NettyExchange next) {
        exchange = next;
        next.start(this);
    }

    /** The exchange read its response to the end: the connection goes back to the pool or, if not reusable, closes. */
    void finished(boolean reusable) {
        exchange = null;
        // An upstream may answer before it read the whole request: the rest of the body would then go out ahead
        // of the next request on this connection, and its answer would be read as the next one's. Reuse only a
        // connection whose request was written in full.
        if (reusable && requestWritten && channel.isActive()) {
            channel.config().setAutoRead(true); // idle connections must notice the peer closing
            pool.release(this);
        } else {
            channel.close();
        }
    }

    /** The exchange gave up (reset or failure): the connection is closed and never reused. */
    void abandon() {
        exchange = null;
        channel.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        NettyExchange current = exchange;
        if (current == null) {
            // a response nobody asked for: the connection's framing can no longer be trusted
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        current.onMessage(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        NettyExchange current = exchange;
        exchange = null;
        if (current != null) {
            current.onTransportFailure(new IOException("upstream closed the connection"));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        NettyExchange current = exchange;
        exchange = null;
        if (current != null) {
            current.onTransportFailure(cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause);
        }
        ctx.close();
    }

}
