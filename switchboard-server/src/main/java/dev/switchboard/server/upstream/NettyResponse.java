package dev.switchboard.server.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.ArrayDeque;

/**
 * The head of an upstream answer and its streaming body: delivers each decoded piece to the caller's handler inside the
 * Vert.x context, in order, and queues pieces while the caller is not ready (handlers not set yet, or paused).
 * Pausing stops reading from the socket, so back-pressure reaches the upstream. Event-loop confined.
 */
final class NettyResponse implements UpstreamResponse {
    /** Queue marker for the body's end. */
    private static final Object END = new Object();

    private final ContextInternal context;
    private final NettyExchange exchange;
    private final HttpResponse head;
    private Handler<Buffer> chunkHandler;
    private Handler<Void> endHandler;
    private Handler<Throwable> failureHandler;
    /** Buffers, then END or a Throwable; allocated only once something has to wait. */
    private ArrayDeque<Object> pending;
    private boolean open;
    private boolean paused;
    private boolean over;

    NettyResponse(ContextInternal context, NettyExchange exchange, HttpResponse head) {
        this.context = context;
        this.exchange = exchange;
        this.head = head;
    }

    @Override
    public int statusCode() {
        return head.status().code();
    }

    @Override
    public String getHeader(String name) {
        return head.headers().get(name);
    }

    @Override
    public UpstreamResponse handler(Handler<Buffer> chunk) {
        chunkHandler = chunk;
        return this;
    }

    @Override
    public UpstreamResponse endHandler(Handler<Void> end) {
        endHandler = end;
        return this;
    }

    @Override
    public UpstreamResponse exceptionHandler(Handler<Throwable> failure) {
        failureHandler = failure;
        return this;
    }

    @Override
    public void pause() {
        if (over || paused) {
            return;
        }
        paused = true;
        Channel channel = exchange.channel();
        if (channel != null) {
            channel.config().setAutoRead(false); // what the decoder still produces from the last read gets queued
        }
    }

    @Override
    public void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        drain();
        Channel channel = exchange.channel();
        if (!paused && !over && channel != null) {
            channel.config().setAutoRead(true);
            channel.read();
        }
    }

    /** The head went out to the caller: from now on pieces are delivered. */
    void open() {
        open = true;
        drain();
    }

    void onContent(HttpContent content) {
        ByteBuf bytes = content.content();
        boolean last = content instanceof LastHttpContent;
        Buffer piece = null;
        if (bytes.isReadable()) {
            piece = BufferInternal.safeBuffer(bytes); // one copy out of the pooled buffer, which it releases
        } else {
            content.release();
        }
        if (piece != null) {
            offer(piece);
        }
        if (last) {
            offer(END);
        }
    }

    /** A transport failure mid-body; delivered after the pieces that arrived before it. */
    void failed(Throwable cause) {
        offer(cause);
    }

    /** A reset mid-body: the failure goes out at once and whatever was queued is dropped. */
    void resetBy(Throwable cause) {
        if (over) {
            return;
        }
        over = true;
        pending = null;
        if (failureHandler != null) {
            context.emit(cause, failureHandler);
        }
    }

    private void offer(Object item) {
        if (over) {
            return;
        }
        if (open && !paused && (pending == null || pending.isEmpty())) {
            deliver(item);
        } else {
            if (pending == null) {
                pending = new ArrayDeque<>();
            }
            pending.addLast(item);
        }
    }

    private void drain() {
        // a handler may pause, resume or reset while we deliver: re-check before every item
        while (open && !paused && !over && pending != null && !pending.isEmpty()) {
            deliver(pending.pollFirst());
        }
    }

    private void deliver(Object item) {
        if (item instanceof Buffer piece) {
            if (chunkHandler != null) {
                context.emit(piece, chunkHandler);
            }
        } else if (item == END) {
            over = true;
            exchange.bodyEnded();
            if (endHandler != null) {
                context.emit(null, endHandler);
            }
        } else {
            over = true;
            exchange.bodyFailed();
            if (failureHandler != null) {
                context.emit((Throwable) item, failureHandler);
            }
        }
    }
}
