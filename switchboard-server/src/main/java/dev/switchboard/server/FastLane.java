package dev.switchboard.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's own lane for model calls, one per HTTP/1.1 connection, sitting in Vert.x's pipeline just before
 * Vert.x's connection handler. A plain {@code POST} to a model-call path is taken here: its body is gathered, and the
 * call is served with Netty messages written straight to the connection, skipping the per-request objects of Vert.x's
 * HTTP server (the costliest part of a proxied request in profiles). Everything else, and any request the lane
 * declines (too large, {@code Expect}, {@code Connection: close}, a query string, HTTP/1.0), is handed to Vert.x
 * unchanged. Answers stay in request order: while Vert.x answers, the lane passes everything through; while the lane
 * answers, later requests wait in a queue.
 */
final class FastLane extends ChannelDuplexHandler {
    static final String NAME = "switchboard-fast-lane";
    /** Vert.x's name for the HTTP/1.x response encoder; the lane sits right after it. */
    static final String ENCODER = "httpEncoder";

    /** What the lane needs from the gateway. */
    interface Calls {
        /** The path is a model call the lane serves. */
        boolean serves(String path);

        long maxBodyBytes();

        long drainMillis();

        /** Runs the call; on the connection's event loop, inside its Vert.x context. */
        void start(NettyClientSide client, String path, byte[] body);
    }

    private enum State { IDLE, READING, ANSWERING, VERTX }

    /** Model calls the lane served, for tests that check which lane took a request (one add per call). */
    private static final java.util.concurrent.atomic.LongAdder SERVED = new java.util.concurrent.atomic.LongAdder();

    private final Calls calls;
    private final ContextInternal context;
    private State state = State.IDLE;
    private HttpRequest head;
    private final List<HttpContent> parts = new ArrayList<>(2);
    private long size;
    private NettyClientSide current;
    private ArrayDeque<Object> waiting;
    private int vertxAnswersOpen;
    private boolean vertxBodyOpen;
    private ChannelPromise deferredClose;
    private ChannelHandlerContext ctx;
    /** Where the lane's answers are written: past Vert.x's HTTP encoder, as they are already HTTP/1.1 bytes. */
    private ChannelHandlerContext answers;

    FastLane(Calls calls, ContextInternal context) {
        this.calls = calls;
        this.context = context;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ChannelHandlerContext encoder = ctx.pipeline().context(ENCODER);
        this.answers = encoder != null ? encoder : ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.ANSWERING || (waiting != null && !waiting.isEmpty())) {
            hold(msg);
            return;
        }
        read(msg);
    }

    private void read(Object msg) {
        switch (state) {
            case IDLE -> {
                if (msg instanceof HttpRequest req && !(msg instanceof HttpContent) && claims(req)) {
                    head = req;
                    size = 0;
                    state = State.READING;
                } else {
                    toVertx(msg);
                }
            }
            case READING -> gather(msg);
            case VERTX -> toVertx(msg);
            case ANSWERING -> hold(msg);
        }
    }

    private boolean claims(HttpRequest req) {
        if (req.decoderResult().isFailure() || req.method() != HttpMethod.POST || req.protocolVersion() != HttpVersion.HTTP_1_1
                || !calls.serves(req.uri()) || !HttpUtil.isKeepAlive(req) || req.headers().contains(HttpHeaderNames.EXPECT)
                || req.headers().contains(HttpHeaderNames.UPGRADE)) {
            return false;
        }
        String length = req.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            try {
                return Long.parseLong(length.trim()) <= calls.maxBodyBytes();
            } catch (NumberFormatException e) {
                return false; // Vert.x answers the malformed header
            }
        }
        return true;
    }

    private void gather(Object msg) {
        if (!(msg instanceof HttpContent content) || content.decoderResult().isFailure()) {
            handOver(msg);
            return;
        }
        parts.add(content);
        size += content.content().readableBytes();
        if (size > calls.maxBodyBytes()) {
            handOver(null); // Vert.x answers 413 and swallows the rest, as for any request
            return;
        }
        if (content instanceof LastHttpContent) {
            answer();
        }
    }

    /** The lane gives the request it gathered back to Vert.x, as if it had never looked at it. */
    private void handOver(Object next) {
        HttpRequest req = head;
        head = null;
        state = State.IDLE;
        toVertx(req);
        for (HttpContent part : parts) {
            toVertx(part);
        }
        parts.clear();
        if (next != null) {
            toVertx(next);
        }
    }

    static long served() {
        return SERVED.sum();
    }

    private void answer() {
        SERVED.increment();
        byte[] body = new byte[(int) size];
        int at = 0;
        for (HttpContent part : parts) {
            ByteBuf bytes = part.content();
            int n = bytes.readableBytes();
            bytes.getBytes(bytes.readerIndex(), body, at, n);
            at += n;
            part.release();
        }
        parts.clear();
        String path = head.uri();
        NettyClientSide client = new NettyClientSide(answers, head, path, this);
        head = null;
        current = client;
        state = State.ANSWERING;
        context.dispatch(() -> calls.start(client, path, body));
    }

    /** The lane's answer went out: the connection is free for the next request. */
    void answered(NettyClientSide client) {
        if (client != current) {
            return;
        }
        current = null;
        state = State.IDLE;
        if (deferredClose != null) {
            ChannelPromise promise = deferredClose;
            deferredClose = null;
            ctx.close(promise);
            return;
        }
        drainWaiting();
    }

    private void hold(Object msg) {
        if (waiting == null) {
            waiting = new ArrayDeque<>();
        }
        waiting.add(msg);
        ctx.channel().config().setAutoRead(false); // a pipelining client waits in its socket, not in memory
    }

    private void drainWaiting() {
        if (waiting == null) {
            return;
        }
        while (!waiting.isEmpty() && state != State.ANSWERING) {
            read(waiting.poll());
        }
        if (waiting.isEmpty()) {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    private void toVertx(Object msg) {
        if (msg instanceof HttpRequest) {
            vertxAnswersOpen++;
            vertxBodyOpen = true;
        }
        if (msg instanceof LastHttpContent) {
            vertxBodyOpen = false;
        }
        state = vertxAnswersOpen > 0 || vertxBodyOpen ? State.VERTX : State.IDLE;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // Only Vert.x's writes pass here (the lane writes its bytes past the encoder, below this handler).
        boolean ends = msg instanceof LastHttpContent
                && !(msg instanceof HttpResponse r && r.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL);
        ctx.write(msg, promise);
        if (ends && vertxAnswersOpen > 0) {
            vertxAnswersOpen--;
            if (vertxAnswersOpen == 0 && !vertxBodyOpen && state == State.VERTX) {
                state = State.IDLE;
                drainWaiting();
            }
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (current == null && state != State.READING) {
            ctx.close(promise);
            return;
        }
        // Vert.x closes connections it sees idle when the server shuts down; this one still has a call of the lane.
        if (deferredClose == null) {
            deferredClose = promise;
            ctx.executor().schedule(() -> {
                if (deferredClose == promise) {
                    deferredClose = null;
                    ctx.close(promise);
                }
            }, Math.max(1, calls.drainMillis()), TimeUnit.MILLISECONDS);
        } else {
            ctx.close(promise);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        NettyClientSide client = current;
        if (client != null && ctx.channel().isWritable()) {
            context.dispatch(client::writable);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (HttpContent part : parts) {
            part.release();
        }
        parts.clear();
        if (waiting != null) {
            waiting.forEach(ReferenceCountUtil::release);
            waiting.clear();
        }
        NettyClientSide client = current;
        if (client != null) {
            context.dispatch(client::connectionClosed);
        }
        ctx.fireChannelInactive();
    }
}
