package dev.switchboard.server.upstream;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;

/**
 * One request's life: waiting for a connection, written, head received, body streaming, over. Decides what happens to
 * the connection afterwards (back to the pool only after a clean, complete, keep-alive response). Event-loop confined.
 */
final class NettyExchange implements UpstreamExchange {
    private enum State { NEW, WAITING, CONNECTING, SENT, BODY, OVER }

    private final ContextInternal context;
    private final PromiseInternal<UpstreamResponse> head;
    private final long connectTimeoutMillis;
    private UpstreamRequests.Encoded request;
    private State state = State.NEW;
    private ConnectionPool waitingIn;
    private Channel connectingChannel;
    private UpstreamConnection connection;
    private NettyResponse response;
    private boolean skippingInformational;
    private boolean reusable;
    private boolean written;

    NettyExchange(ContextInternal context, long connectTimeoutMillis) {
        this.context = context;
        this.head = context.promise();
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    @Override
    public Future<UpstreamResponse> response() {
        return head.future();
    }

    @Override
    public boolean written() {
        return written;
    }

    long connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    boolean isOver() {
        return state == State.OVER;
    }

    void request(UpstreamRequests.Encoded built) {
        request = built;
    }

    void waitingInPool(ConnectionPool pool) {
        state = State.WAITING;
        waitingIn = pool;
    }

    void connecting(Channel channel) {
        state = State.CONNECTING;
        connectingChannel = channel;
    }

    /** The request could not even be sent (bad input, connect failure, client closed). */
    void onConnectFailure(Throwable cause) {
        if (state == State.OVER) {
            return;
        }
        failBeforeHead(cause);
    }

    /** Runs on the connection the pool chose: writes the request. */
    void start(UpstreamConnection chosen) {
        connection = chosen;
        connectingChannel = null;
        waitingIn = null;
        state = State.SENT;
        written = true;
        reusable = !request.closesConnection();
        UpstreamRequests.Encoded toWrite = request;
        request = null; // the transport owns and releases its bytes now
        chosen.write(toWrite);
    }

    void onMessage(Object msg) {
        if (msg instanceof HttpResponse responseHead) {
            onHead(responseHead);
        }
        if (msg instanceof HttpContent content) {
            onContent(content);
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpResponse responseHead) {
        if (state != State.SENT) {
            return;
        }
        if (responseHead.decoderResult().isFailure()) {
            abandonConnection();
            failBeforeHead(responseHead.decoderResult().cause());
            return;
        }
        int status = responseHead.status().code();
        if (status >= 100 && status < 200) {
            skippingInformational = true; // e.g. 100 Continue; the decoder follows it with an empty last content
            return;
        }
        reusable &= responseHead.protocolVersion().equals(HttpVersion.HTTP_1_1)
                && !responseHead.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
        state = State.BODY;
        NettyResponse answer = new NettyResponse(context, this, responseHead);
        response = answer;
        context.emit(answer, delivered -> {
            try {
                head.tryComplete(delivered);
            } finally {
                delivered.open(); // the caller set its handlers in the future's callback: pieces can flow now
            }
        });
    }

    private void onContent(HttpContent content) {
        if (skippingInformational) {
            if (content instanceof LastHttpContent) {
                skippingInformational = false;
            }
            content.release();
            return;
        }
        if (state != State.BODY) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            Throwable cause = content.decoderResult().cause();
            content.release();
            abandonConnection();
            response.failed(cause);
            return;
        }
        response.onContent(content);
    }

    /** The connection broke (closed, reset by the peer, TLS or decoding error). */
    void onTransportFailure(Throwable cause) {
        switch (state) {
            case SENT -> {
                abandonConnection();
                failBeforeHead(cause);
            }
            case BODY -> {
                abandonConnection();
                response.failed(cause); // after what is already queued, so the caller sees the pieces first
            }
            default -> { }
        }
    }

    /** The body's last piece was delivered: the connection is free before the end handler runs, so it can reuse it. */
    void bodyEnded() {
        state = State.OVER;
        UpstreamConnection done = connection;
        connection = null;
        if (done != null) {
            done.finished(reusable);
        }
    }

    /** The body's failure was delivered. */
    void bodyFailed() {
        state = State.OVER;
        abandonConnection();
    }

    @Override
    public void reset(Throwable cause) {
        switch (state) {
            case NEW, WAITING, CONNECTING, SENT -> {
                if (waitingIn != null) {
                    waitingIn.cancel(this);
                }
                if (connectingChannel != null) {
                    connectingChannel.close();
                }
                abandonConnection();
                failBeforeHead(cause);
            }
            case BODY -> {
                state = State.OVER;
                abandonConnection();
                response.resetBy(cause);
            }
            case OVER -> { }
        }
    }

    private void failBeforeHead(Throwable cause) {
        state = State.OVER;
        waitingIn = null;
        connectingChannel = null;
        if (request != null) {
            request.bytes().release();
            request = null;
        }
        context.emit(cause, head::tryFail);
    }

    private void abandonConnection() {
        UpstreamConnection broken = connection;
        connection = null;
        if (broken != null) {
            broken.abandon();
        }
    }

    Channel channel() {
        return connection == null ? null : connection.channel();
    }
}
