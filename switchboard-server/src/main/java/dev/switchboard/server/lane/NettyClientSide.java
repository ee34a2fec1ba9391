package dev.switchboard.server.lane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import dev.switchboard.server.wire.ClientSide;

/**
 * A model call carried by the {@link FastLane}: the request head Netty decoded, and the answer written straight to
 * the connection as HTTP/1.1 bytes (no Vert.x request or response objects, no HTTP encoder). The head of a chunked
 * answer goes out with its first bytes, as with Vert.x, so a stream that fails before its first byte can still be
 * answered differently.
 */
public final class NettyClientSide implements ClientSide {
    private static final ByteBuf LAST_CHUNK = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(5).writeBytes(new byte[] {'0', '\r', '\n', '\r', '\n'})).asReadOnly();

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final String path;
    private final FastLane lane;
    private final AnswerHead answer = new AnswerHead();
    private int chunkedStatus = -1;
    private boolean headWritten;
    private boolean ended;
    private boolean closed;
    private Runnable onDrain;
    private Runnable onClose;

    /** @param ctx where answer bytes are written: the context just past the HTTP encoder, which they skip */
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
        answer.put(name, value);
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
        if (lane.closesAfter(this)) {
            answer.put("connection", "close"); // refused before its large body arrived: the lane drops it, then closes
        }
        ByteBuf content = bytes(body);
        int length = content.readableBytes();
        ByteBuf out = answer.encodeFixed(ctx.alloc(), status, length);
        out.writeBytes(content, content.readerIndex(), length); // one buffer, one write: head and body in one segment
        content.release();
        ctx.writeAndFlush(out, ctx.voidPromise());
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
        ByteBuf data = bytes(chunk);
        if (writeChunk(data)) {
            ctx.flush();
        }
    }

    @Override
    public void endChunked(Buffer tail) {
        if (ended || closed) {
            return;
        }
        writeHead();
        ended = true;
        if (tail != null) {
            writeChunk(bytes(tail));
        }
        ctx.writeAndFlush(LAST_CHUNK.duplicate(), ctx.voidPromise());
        lane.answered(this);
    }

    /** Writes one chunk, framed (an empty one would end the body, so it is dropped); true if written. */
    private boolean writeChunk(ByteBuf data) {
        if (!data.isReadable()) {
            data.release();
            return headWritten;
        }
        ctx.write(AnswerHead.chunk(ctx.alloc(), data), ctx.voidPromise());
        return true;
    }

    private void writeHead() {
        if (headWritten) {
            return;
        }
        headWritten = true;
        int status = chunkedStatus < 0 ? 200 : chunkedStatus;
        ctx.write(answer.encodeChunked(ctx.alloc(), status), ctx.voidPromise());
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
