package dev.switchboard.server.lane;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.governance.NetworkGuard;
import dev.switchboard.ingress.anthropic.AnthropicIngress;
import dev.switchboard.ingress.openai.OpenAiIngress;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * What every HTTP/1 request meets before either lane: the Host header HTTP/1.1 requires, the global network rules
 * (before any key is looked up, on every path), and the caps on bytes of request bodies still arriving (in all and per
 * peer). A refused request is answered at once in the caller's dialect, with {@code connection: close}, and the
 * connection is closed; its body is never gathered. Also tells the {@link ConnectionGuard} where each request stands.
 * Sits right after Vert.x's HTTP codec, before the {@link FastLane}; event-loop confined.
 */
final class HeadGate extends ChannelDuplexHandler {
    static final String NAME = "switchboard-head-gate";
    private static final long SWALLOW_MAX = 4L * 1024 * 1024;
    private static final long SWALLOW_MILLIS = 1000;

    private final FrontDoor door;
    private ChannelHandlerContext ctx;
    private ChannelHandlerContext encoder;
    private ConnectionGuard guard;
    private PeerTable.Peer peer;
    /** Body bytes of the request being read that are counted in the peer table. */
    private long held;
    private boolean anthropic;
    private boolean refused;
    /** The request being read still has body bytes to come. */
    private boolean bodyAhead;
    private long dropped;
    /** 0 = not known yet; for a peer that is not a trusted proxy the global rules decide once per connection. */
    private byte peerVerdict;
    private static final byte ALLOWED = 1;
    private static final byte DENIED = 2;
    private static final byte PER_REQUEST = 3;

    HeadGate(FrontDoor door) {
        this.door = door;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.encoder = ctx.pipeline().context(FastLane.ENCODER);
        if (ctx.pipeline().get(ConnectionGuard.NAME) instanceof ConnectionGuard g) {
            guard = g;
            peer = g.peer();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            drop(msg);
            return;
        }
        try {
            if (msg instanceof HttpRequest req && !head(req)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpContent content && !content(content)) {
                ReferenceCountUtil.release(msg);
                return;
            }
        } catch (OutOfMemoryError e) {
            ReferenceCountUtil.release(msg);
            refuse(new GatewayException(ErrorKind.GATEWAY_BUSY, 503, "The gateway is out of memory for requests; try again shortly.",
                    null, "1"), true);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** False when the request was refused on its head. */
    private boolean head(HttpRequest req) {
        // the dialect of a refusal: Anthropic's paths, and the models list asked for in Anthropic's (ModelsHandler)
        anthropic = req.uri().startsWith("/v1/messages")
                || req.uri().startsWith("/v1/models") && req.headers().contains("anthropic-version");
        bodyAhead = bodyAhead(req);
        if (req.decoderResult().isFailure()) {
            refuse(headFailure(req.decoderResult().cause()), false); // else taken for broken chunked framing below
            return false;
        }
        GatewayException no = check(req);
        if (no != null) {
            refuse(no, false);
            return false;
        }
        if (guard != null) {
            guard.headArrived(bodyAhead);
        }
        return true;
    }

    /** A head the decoder could not read: its path and headers are unknown, so the dialect is OpenAI's. */
    private static GatewayException headFailure(Throwable cause) {
        if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
            return new GatewayException(ErrorKind.INVALID_REQUEST, 414,
                    "The request line is longer than the gateway accepts.", null, null);
        }
        if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
            return new GatewayException(ErrorKind.INVALID_REQUEST, 431,
                    "The request headers are larger than the gateway accepts.", null, null);
        }
        return new GatewayException(ErrorKind.INVALID_REQUEST, "The request line or headers are malformed.");
    }

    private static boolean bodyAhead(HttpRequest req) {
        try {
            return HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
        } catch (NumberFormatException e) {
            return true; // Vert.x answers the malformed header; assume the worst meanwhile
        }
    }

    private GatewayException check(HttpRequest req) {
        if (req.protocolVersion() == HttpVersion.HTTP_1_1 && !req.headers().contains(HttpHeaderNames.HOST)) {
            return new GatewayException(ErrorKind.INVALID_REQUEST, "An HTTP/1.1 request needs a Host header.");
        }
        NetworkGuard network = door.network();
        if (network == null || !network.hasGlobalRules()) {
            return null;
        }
        if (peerVerdict == 0) {
            InetAddress address = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
            if (address == null || network.trustsProxy(address)) {
                peerVerdict = PER_REQUEST;
            } else {
                peerVerdict = network.globalRefusal(address.getHostAddress(), null) == null ? ALLOWED : DENIED;
            }
        }
        return switch (peerVerdict) {
            case ALLOWED -> null;
            case DENIED -> network.globalRefusal(peerAddress(), null);
            default -> network.globalRefusal(peerAddress(), req.headers().getAll("x-forwarded-for"));
        };
    }

    private String peerAddress() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "";
    }

    /** False when the body passed a cap or its framing is broken. A body that arrives whole in one piece is never counted: nothing waits. */
    private boolean content(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            // broken chunked framing: Vert.x would close without a word; the client is told, then the connection goes
            refuse(new GatewayException(ErrorKind.INVALID_REQUEST,
                    "The request body's chunked framing is malformed (RFC 9112, section 7.1)."), true);
            return false;
        }
        boolean last = content instanceof LastHttpContent;
        if (last) {
            bodyAhead = false;
        }
        if (guard != null) {
            if (last) {
                guard.bodyEnded();
            } else {
                guard.bodyProgress();
            }
        }
        if (last && held == 0) {
            return true;
        }
        int n = content.content().readableBytes();
        if (n > 0) {
            int verdict = door.peers.take(peer, n);
            if (verdict != PeerTable.TAKEN) {
                refuse(PeerTable.refusal(verdict), true);
                return false;
            }
            held += n;
        }
        if (last) {
            giveBack();
        }
        return true;
    }

    private void giveBack() {
        door.peers.give(peer, held);
        held = 0;
    }

    /** Answers the request at once (connection: close) and closes; what the client still sends is dropped. */
    private void refuse(GatewayException e, boolean headCounted) {
        refused = true;
        giveBack();
        if (guard != null && guard.openAnswers() > (headCounted ? 1 : 0)) {
            ctx.close(); // an earlier answer is still being written: this one cannot go before it
            return;
        }
        byte[] body = (anthropic ? AnthropicIngress.INSTANCE : OpenAiIngress.INSTANCE).encodeError(e);
        HttpResponseStatus status = HttpResponseStatus.valueOf(e.status());
        StringBuilder head = new StringBuilder(160).append("HTTP/1.1 ").append(status.code()).append(' ')
                .append(status.reasonPhrase()).append("\r\ncontent-type: application/json\r\ncontent-length: ")
                .append(body.length).append("\r\nconnection: close\r\n");
        if (e.retryAfter() != null) {
            head.append("retry-after: ").append(e.retryAfter()).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuf out = ctx.alloc().heapBuffer(headBytes.length + body.length).writeBytes(headBytes).writeBytes(body);
        // past Vert.x's encoder, as the lane's answers are: these are HTTP/1.1 bytes already
        // Closed from here, not from the pipeline's tail (the lane would hold the close while its call reads a body).
        // With body bytes still coming, they are dropped for a while first: closing with unread bytes resets the
        // connection, and the client would lose the answer.
        var written = (encoder != null ? encoder : ctx).writeAndFlush(out);
        if (bodyAhead) {
            ctx.executor().schedule(() -> ctx.close(), SWALLOW_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } else {
            written.addListener(f -> ctx.close());
        }
    }

    private void drop(Object msg) {
        if (msg instanceof HttpContent c) {
            dropped += c.content().readableBytes();
            if (msg instanceof LastHttpContent || dropped > SWALLOW_MAX) {
                ctx.close();
            }
        }
        ReferenceCountUtil.release(msg);
    }

    /** An answer of the lane ended. */
    void answered() {
        if (guard != null) {
            guard.answered();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // Vert.x's answers pass here (the lane's are written past the encoder and reported through answered())
        if (msg instanceof LastHttpContent && guard != null
                && !(msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            guard.answered();
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        giveBack();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        giveBack();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof OutOfMemoryError) {
            ctx.close(); // never let an allocation failure reach the event loop: this connection goes, the others stay
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
