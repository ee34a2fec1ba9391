import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.*;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.handler.codec.http.*;
import io.netty.util.AsciiString;

import java.util.ArrayDeque;

/**
 * The raw-Netty floor: one event loop, HttpServerCodec + aggregator in front, pooled keep-alive
 * HttpClientCodec channels to the upstream on the same loop, no futures beyond connect, no thread hops.
 * Listens on 127.0.0.1:8091 (-Dport=) and forwards every request to 127.0.0.1:19001; -Dtransport=epoll|nio to compare.
 */
public class NettyProxy {
    static final int PORT = Integer.getInteger("port", 8091), UP_PORT = 19001;
    static final String UP_HOST = "127.0.0.1";
    static final AsciiString UP_HOST_HEADER = AsciiString.of(UP_HOST + ":" + UP_PORT);
    static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    // Header validation off on both sides: the floor measures transport + codec, not defensive checks.
    static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    static final HttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

    /** Idle upstream channels; only touched from the single event loop, so no locking. */
    static final ArrayDeque<Channel> IDLE = new ArrayDeque<>();
    static Bootstrap upstream;

    public static void main(String[] args) throws Exception {
        IoHandlerFactory ioFactory;
        Class<? extends ServerSocketChannel> serverCls;
        Class<? extends SocketChannel> clientCls;
        String wanted = System.getProperty("transport", "io_uring"); // io_uring | epoll | nio, for comparison runs
        if (wanted.equals("io_uring") && IoUring.isAvailable()) {
            ioFactory = IoUringIoHandler.newFactory(); serverCls = IoUringServerSocketChannel.class; clientCls = IoUringSocketChannel.class;
        } else if (!wanted.equals("nio") && Epoll.isAvailable()) {
            ioFactory = EpollIoHandler.newFactory(); serverCls = EpollServerSocketChannel.class; clientCls = EpollSocketChannel.class;
        } else {
            ioFactory = NioIoHandler.newFactory(); serverCls = NioServerSocketChannel.class; clientCls = NioSocketChannel.class;
        }
        System.out.println("transport: " + serverCls.getSimpleName());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ioFactory);
        HttpDecoderConfig serverCfg = new HttpDecoderConfig().setHeadersFactory(HEADERS).setTrailersFactory(TRAILERS);
        HttpDecoderConfig clientCfg = new HttpDecoderConfig().setHeadersFactory(HEADERS).setTrailersFactory(TRAILERS);

        upstream = new Bootstrap().group(group).channel(clientCls)
            .option(ChannelOption.ALLOCATOR, ALLOC)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(clientCfg, false, false),
                        new HttpObjectAggregator(1 << 20), new UpstreamHandler());
                }
            });

        new ServerBootstrap().group(group).channel(serverCls)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.ALLOCATOR, ALLOC)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(serverCfg),
                        new HttpObjectAggregator(1 << 20), new FrontendHandler());
                }
            })
            .bind(UP_HOST, PORT).sync();
        System.out.println("NettyProxy listening on 127.0.0.1:" + PORT + " -> " + UP_HOST + ":" + UP_PORT);
    }

    /** Per client connection: one request in flight at a time (no pipelining from wrk). */
    static final class FrontendHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        FrontendHandler() { super(false); } // we hand the request body on, so release manually

        @Override protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            FullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, req.method(), req.uri(),
                req.content(), HEADERS.newHeaders(), HEADERS.newEmptyHeaders());
            out.headers()
                .set(HttpHeaderNames.HOST, UP_HOST_HEADER)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, req.content().readableBytes());
            Channel up = IDLE.pollLast();
            if (up != null && up.isActive()) {
                send(up, out, ctx, keepAlive);
                return;
            }
            upstream.connect(UP_HOST, UP_PORT).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) send(f.channel(), out, ctx, keepAlive);
                else { out.release(); badGateway(ctx, keepAlive); }
            });
        }

        static void send(Channel up, FullHttpRequest out, ChannelHandlerContext front, boolean keepAlive) {
            UpstreamHandler h = up.pipeline().get(UpstreamHandler.class);
            h.front = front;
            h.frontKeepAlive = keepAlive;
            up.writeAndFlush(out, up.voidPromise());
        }

        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); }
    }

    /** Per upstream connection: relays the aggregated answer to whichever client is waiting, then goes back to the pool. */
    static final class UpstreamHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        ChannelHandlerContext front;
        boolean frontKeepAlive;

        UpstreamHandler() { super(false); }

        @Override protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse resp) {
            ChannelHandlerContext f = front;
            front = null;
            boolean upKeepAlive = HttpUtil.isKeepAlive(resp);
            FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, resp.status(), resp.content(),
                HEADERS.newHeaders(), HEADERS.newEmptyHeaders());
            CharSequence ct = resp.headers().get(HttpHeaderNames.CONTENT_TYPE);
            if (ct != null) out.headers().set(HttpHeaderNames.CONTENT_TYPE, ct);
            out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, resp.content().readableBytes());
            if (upKeepAlive) IDLE.addLast(ctx.channel()); else ctx.close();
            if (f == null || !f.channel().isActive()) { out.release(); return; }
            if (frontKeepAlive) {
                f.writeAndFlush(out, f.voidPromise());
            } else {
                out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                f.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override public void channelInactive(ChannelHandlerContext ctx) {
            IDLE.remove(ctx.channel());
            if (front != null) { badGateway(front, false); front = null; }
        }

        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); }
    }

    static void badGateway(ChannelHandlerContext ctx, boolean keepAlive) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        if (keepAlive) ctx.writeAndFlush(r, ctx.voidPromise());
        else ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
}
