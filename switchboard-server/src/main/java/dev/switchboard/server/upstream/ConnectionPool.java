package dev.switchboard.server.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The keep-alive connections to one origin: idle ones ready for reuse (closed once idle longer than the idle timeout),
 * a cap on how many are open, and a FIFO of exchanges waiting for one when the cap is reached. Event-loop confined, so
 * no locks.
 */
final class ConnectionPool {
    private final ContextInternal context;
    private final UpstreamOrigin origin;
    private final UpstreamConnector connector;
    private final int maxConnections;
    private final long idleTimeoutNanos;
    /** Most recently used at the tail: reusing warm connections lets the cold ones reach their idle timeout. */
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<NettyExchange> waiters = new ArrayDeque<>();
    private final Set<UpstreamConnection> open = new HashSet<>();
    private boolean closed;
    /** The one timer that closes idle connections; pending only while some are idle. */
    private ScheduledFuture<?> sweep;

    ConnectionPool(ContextInternal context, UpstreamOrigin origin, UpstreamConnector connector, int maxConnections,
            long idleTimeoutMillis) {
        this.context = context;
        this.origin = origin;
        this.connector = connector;
        this.maxConnections = maxConnections;
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
    }

    void acquire(NettyExchange exchange) {
        if (closed) {
            exchange.onConnectFailure(new IllegalStateException("upstream client closed"));
            return;
        }
        UpstreamConnection connection;
        while ((connection = idle.pollLast()) != null) {
            if (connection.channel().isActive()) {
                connection.assign(exchange);
                return;
            }
            connection.channel().close(); // closing already; its close listener does the bookkeeping
        }
        if (open.size() < maxConnections) {
            connect(exchange);
        } else {
            exchange.waitingInPool(this);
            waiters.addLast(exchange);
        }
    }

    /** Open or opening connections, idle or in use. */
    int openConnections() {
        return open.size();
    }

    /** A waiting exchange was reset. */
    void cancel(NettyExchange exchange) {
        waiters.remove(exchange);
    }

    /** A connection whose last response was read to its end. */
    void release(UpstreamConnection connection) {
        NettyExchange next = waiters.pollFirst();
        if (next != null) {
            connection.assign(next);
        } else {
            connection.idleSince(System.nanoTime());
            idle.addLast(connection);
            scheduleSweep();
        }
    }

    /** One timer for the pool rather than one per connection: set for when the least recently used one times out. */
    private void scheduleSweep() {
        UpstreamConnection oldest = idle.peekFirst();
        if (sweep != null || oldest == null || closed) {
            return;
        }
        long wait = oldest.idleSince() + idleTimeoutNanos - System.nanoTime();
        sweep = context.nettyEventLoop().schedule(this::closeTimedOut, Math.max(0, wait), TimeUnit.NANOSECONDS);
    }

    private void closeTimedOut() {
        sweep = null;
        long now = System.nanoTime();
        UpstreamConnection oldest;
        while ((oldest = idle.peekFirst()) != null && now - oldest.idleSince() >= idleTimeoutNanos) {
            idle.pollFirst();
            oldest.channel().close();
        }
        scheduleSweep();
    }

    private void connect(NettyExchange exchange) {
        UpstreamConnection connection = new UpstreamConnection(this);
        ChannelFuture connecting;
        try {
            connecting = connector.connect(origin, connection, exchange.connectTimeoutMillis());
        } catch (Exception e) {
            exchange.onConnectFailure(e); // e.g. the default TLS context could not be built
            return;
        }
        Channel channel = connecting.channel();
        connection.bind(channel);
        open.add(connection);
        channel.closeFuture().addListener(done -> onClosed(connection));
        exchange.connecting(channel);
        connecting.addListener(result -> {
            if (!result.isSuccess()) {
                channel.close();
                exchange.onConnectFailure(result.cause());
            } else if (exchange.isOver()) {
                channel.close(); // reset while connecting
            } else {
                connection.assign(exchange);
            }
        });
    }

    private void onClosed(UpstreamConnection connection) {
        if (!open.remove(connection)) {
            return;
        }
        idle.remove(connection);
        if (!closed && !waiters.isEmpty() && open.size() < maxConnections) {
            connect(waiters.pollFirst());
        }
    }

    /** Closes every connection, idle or in use; waiting exchanges fail. */
    Future<Void> close() {
        closed = true;
        if (sweep != null) {
            sweep.cancel(false);
            sweep = null;
        }
        NettyExchange waiter;
        while ((waiter = waiters.pollFirst()) != null) {
            waiter.onConnectFailure(new IllegalStateException("upstream client closed"));
        }
        List<Future<Void>> closing = new ArrayList<>(open.size());
        for (UpstreamConnection connection : new ArrayList<>(open)) {
            PromiseInternal<Void> promise = context.promise();
            connection.channel().close().addListener(done -> promise.tryComplete());
            closing.add(promise.future());
        }
        idle.clear();
        return Future.all(closing).mapEmpty();
    }
}
