package dev.switchboard.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * A model call carried by the {@link FastLane}: the request head Netty decoded, and the answer written straight to
 * the connection as Netty messages (no Vert.x request or response objects). The head of a chunked answer goes out with
 * its first bytes, as with Vert.x, so a stream that fails before its first byte can still be answered differently.
 */
final class NettyClientSide implements ClientSide {
    // The gateway names every header it sets; values come from its own code or from headers Netty already parsed.
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final String path;
    private final FastLane lane;
    private final HttpHeaders answer = HEADERS.newHeaders();
    private int chunkedStatus = -1;
    private boolean headWritten;
    private boolean ended;
    private boolean closed;
    private Runnable onDrain;
    private Runnable onClose;

    NettyClientSide(ChannelHandlerContext ctx, HttpRequest request, String path, FastLane lane) {
        this.ctx = ctx;
        this.request = request;
        this.path = path;
        this.lane = lane;
    }

    @Override
    public String header(String name) {
        return request.headers().get(name);
    }

    @Override
    public List<String> headers(String name) {
        return request.headers().getAll(name);
    }

    @Override
    public String remoteAddress() {
        SocketAddress address = ctx.channel().remoteAddress();
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : null;
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public void putHeader(CharSequence name, CharSequence value) {
        answer.set(name, value);
    }

    @Override
    public void removeHeader(CharSequence name) {
        answer.remove(name);
    }

    @Override
    public void end(int status, Buffer body) {
        if (ended || closed) {
            return;
        }
        ended = true;
        headWritten = true;
        ByteBuf content = bytes(body);
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), content, answer, HEADERS.newEmptyHeaders());
        answer.remove(HttpHeaderNames.TRANSFER_ENCODING);
        answer.setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        ctx.writeAndFlush(response, ctx.voidPromise());
        lane.answered(this);
    }

    @Override
    public void startChunked(int status) {
        chunkedStatus = status;
    }

    @Override
    public void write(Buffer chunk) {
        if (ended || closed) {
            return;
        }
        writeHead();
        ctx.writeAndFlush(new DefaultHttpContent(bytes(chunk)), ctx.voidPromise());
    }

    @Override
    public void endChunked(Buffer tail) {
        if (ended || closed) {
            return;
        }
        writeHead();
        ended = true;
        ctx.writeAndFlush(tail == null ? LastHttpContent.EMPTY_LAST_CONTENT : new DefaultLastHttpContent(bytes(tail)),
                ctx.voidPromise());
        lane.answered(this);
    }

    private void writeHead() {
        if (headWritten) {
            return;
        }
        headWritten = true;
        answer.remove(HttpHeaderNames.CONTENT_LENGTH);
        answer.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        int status = chunkedStatus < 0 ? 200 : chunkedStatus;
        ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), answer), ctx.voidPromise());
    }

    private static ByteBuf bytes(Buffer buffer) {
        return buffer == null ? Unpooled.EMPTY_BUFFER : ((BufferInternal) buffer).getByteBuf();
    }

    @Override
    public boolean writeQueueFull() {
        return !ctx.channel().isWritable();
    }

    @Override
    public void drainHandler(Runnable onDrain) {
        this.onDrain = onDrain;
    }

    @Override
    public void closeHandler(Runnable onClose) {
        this.onClose = onClose;
    }

    @Override
    public boolean headWritten() {
        return headWritten;
    }

    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public boolean closed() {
        return closed;
    }

    /** The connection can take more: a paused upstream may go on. */
    void writable() {
        Runnable r = onDrain;
        if (r != null && !ended) {
            onDrain = null;
            r.run();
        }
    }

    /** The connection closed under this exchange. */
    void connectionClosed() {
        if (closed) {
            return;
        }
        closed = true;
        Runnable r = onClose;
        if (r != null) {
            r.run();
        }
    }
}
