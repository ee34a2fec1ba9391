package dev.switchboard.server.lane;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
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
import java.util.function.Consumer;

/**
 * The gateway's own lane for model calls, one per HTTP/1.1 connection, sitting in Vert.x's pipeline just before
 * Vert.x's connection handler. A plain {@code POST} to a model-call path is taken here: its caller is checked on the
 * head (a refusal is answered before any body byte is kept), then its body is gathered, and the call is served with
 * Netty messages written straight to the connection, skipping the per-request objects of Vert.x's HTTP server (the
 * costliest part of a proxied request in profiles). Everything else, and any request the lane declines (declared too
 * large, {@code Expect}, {@code Connection: close}, a query string, HTTP/1.0), is handed to Vert.x unchanged. Answers stay in request order: while Vert.x answers, the lane passes everything through; while the lane
 * answers, later requests wait in a queue.
 */
public final class FastLane extends ChannelDuplexHandler {
    static final String NAME = "switchboard-fast-lane";
    /** Vert.x's name for the HTTP/1.x response encoder; the lane sits right after it. */
    static final String ENCODER = "httpEncoder";

    /** What the lane needs from the gateway. */
    public interface Calls {
        /** The path is a model call the lane serves. */
        boolean serves(String path);

        long maxBodyBytes();

        long drainMillis();

        /**
         * Checks the caller on the request head, before any body byte is kept (on the connection's event loop, inside
         * its Vert.x context). Calls {@code admitted} (now, or later for a JWT whose key is being fetched: reading is
         * paused meanwhile through {@code onWait}/{@code onResume}), or answers the refusal through the client.
         */
        void admit(NettyClientSide client, String path, Runnable onWait, Runnable onResume, Consumer<Call> admitted);
    }

    /** An admitted model call, waiting for its body. */
    public interface Call {
        NettyClientSide client();

        /** Runs the call; on the connection's event loop, inside its Vert.x context. */
        void start(byte[] body);

        /** Answers a failure instead (body too large, unreadable, no memory for it). */
        void refuse(GatewayException e);
    }

    private enum State { IDLE, READING, ANSWERING, VERTX, DISCARDING }

    /** A body up to this size is dropped after an early refusal and the connection kept; a larger one closes it. */
    private static final long SMALL_BODY = 64 * 1024;
    private static final long SWALLOW_MAX = 4L * 1024 * 1024;
    private static final long SWALLOW_MILLIS = 2000;

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
    /** The front door's gate of this connection (null if absent), told when one of the lane's answers ends. */
    private HeadGate gate;
    /** The request being read was admitted: its call waits for the body. */
    private Call call;
    private boolean bodyDone;
    private boolean largeBody;
    private long discarded;
    private final Runnable pauseReading = () -> onLoop(() -> ctx.channel().config().setAutoRead(false));
    private final Runnable resumeReading = () -> onLoop(() -> {
        ctx.channel().config().setAutoRead(true);
        ctx.read();
    });
    private final Consumer<Call> onAdmitted = c -> onLoop(() -> admitted(c));

    FastLane(Calls calls, ContextInternal context) {
        this.calls = calls;
        this.context = context;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ChannelHandlerContext encoder = ctx.pipeline().context(ENCODER);
        this.answers = encoder != null ? encoder : ctx;
        this.gate = ctx.pipeline().get(HeadGate.class);
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
                    begin(req);
                } else {
                    toVertx(msg);
                }
            }
            case READING -> gather(msg);
            case VERTX -> toVertx(msg);
            case ANSWERING -> hold(msg);
            case DISCARDING -> discard(msg);
        }
    }

    /** A model call's head: the caller is checked now, before any of its body is kept. */
    private void begin(HttpRequest req) {
        head = req;
        size = 0;
        call = null;
        bodyDone = false;
        long declared = HttpUtil.getContentLength(req, -1L);
        largeBody = declared < 0 || declared > SMALL_BODY;
        state = State.READING;
        String path = req.uri();
        NettyClientSide client = new NettyClientSide(answers, req, path, this);
        current = client;
        context.dispatch(() -> calls.admit(client, path, pauseReading, resumeReading, onAdmitted));
    }

    private void admitted(Call c) {
        if (c.client() != current || state != State.READING) {
            return; // the connection closed meanwhile
        }
        call = c;
        if (bodyDone) {
            answer();
        }
    }

    private void onLoop(Runnable r) {
        if (ctx.executor().inEventLoop()) {
            r.run();
        } else {
            ctx.executor().execute(r);
        }
    }

    /** True while the request being read was answered before its large body arrived: the answer closes the connection. */
    boolean closesAfter(NettyClientSide client) {
        return client == current && state == State.READING && !bodyDone && largeBody;
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
            ReferenceCountUtil.release(msg);
            failBody(new GatewayException(ErrorKind.INVALID_REQUEST, "The request body could not be read."));
            return;
        }
        parts.add(content);
        size += content.content().readableBytes();
        if (size > calls.maxBodyBytes()) {
            failBody(new GatewayException(ErrorKind.BODY_TOO_LARGE,
                    "The request body is larger than the gateway's limit of " + calls.maxBodyBytes() + " bytes."));
            return;
        }
        if (content instanceof LastHttpContent) {
            bodyDone = true;
            if (call != null) {
                answer();
            }
        }
    }

    /** The body cannot be used: answer (connection: close) if the call was admitted, else just close. */
    private void failBody(GatewayException e) {
        releaseParts();
        largeBody = true;
        Call c = call;
        if (c != null) {
            call = null;
            context.dispatch(() -> c.refuse(e));
        } else {
            ctx.close();
        }
    }

    private void releaseParts() {
        for (HttpContent part : parts) {
            part.release();
        }
        parts.clear();
    }

    /** What a client still sends of a body refused early is dropped; a large one only for a while, then we close. */
    private void discard(Object msg) {
        boolean last = msg instanceof LastHttpContent;
        if (msg instanceof HttpContent c) {
            discarded += c.content().readableBytes();
        }
        ReferenceCountUtil.release(msg);
        if (largeBody && (last || discarded > SWALLOW_MAX)) {
            ctx.close();
        } else if (last) {
            state = State.IDLE;
            drainWaiting();
        }
    }

    public static long served() {
        return SERVED.sum();
    }

    private void answer() {
        Call c = call;
        call = null;
        byte[] body;
        try {
            body = new byte[(int) size];
        } catch (OutOfMemoryError e) {
            releaseParts();
            largeBody = true;
            context.dispatch(() -> c.refuse(new GatewayException(ErrorKind.GATEWAY_BUSY, 503,
                    "The gateway has no memory for this request now; try again shortly.", null, "1")));
            ctx.close();
            return;
        }
        int at = 0;
        for (HttpContent part : parts) {
            ByteBuf bytes = part.content();
            int n = bytes.readableBytes();
            bytes.getBytes(bytes.readerIndex(), body, at, n);
            at += n;
            part.release();
        }
        parts.clear();
        head = null;
        state = State.ANSWERING;
        SERVED.increment();
        context.dispatch(() -> c.start(body));
    }

    /** The lane's answer went out: the connection is free for the next request. */
    void answered(NettyClientSide client) {
        if (client != current) {
            return;
        }
        current = null;
        if (gate != null) {
            gate.answered();
        }
        if (state == State.READING) {
            // answered before its body was in (a refusal): drop the rest of the body, a large one only for a while
            releaseParts();
            call = null;
            head = null;
            if (!bodyDone) {
                state = State.DISCARDING;
                discarded = 0;
                if (largeBody) {
                    ctx.executor().schedule(() -> ctx.close(), SWALLOW_MILLIS, TimeUnit.MILLISECONDS);
                }
                return;
            }
        }
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
        releaseParts();
        call = null;
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
