package dev.switchboard.server.upstream;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link UpstreamClient} on raw Netty channels that live on the event loop of one Vert.x context, with a
 * keep-alive pool per origin. Create one per event-loop context and use it only from that context.
 */
public final class NettyUpstreamClient implements UpstreamClient {
    /**
     * A backstop only, per origin and event loop: the cap operators set is {@code providers[].max_connections}, counted
     * over all event loops before a request gets here. 32k is more than one destination's ephemeral ports.
     */
    static final int MAX_CONNECTIONS_PER_ORIGIN = 32 * 1024;
    static final long IDLE_TIMEOUT_MILLIS = 60_000;

    private final ContextInternal context;
    private final EventLoop eventLoop;
    private final UpstreamConnector connector;
    private final int maxConnectionsPerOrigin;
    private final long idleTimeoutMillis;
    private final UpstreamUrls urls = new UpstreamUrls();
    private final Map<UpstreamOrigin, ConnectionPool> pools = new HashMap<>();
    private boolean closed;

    /** Uses the JDK's default trust store for https (built on first https use). */
    public NettyUpstreamClient(ContextInternal context) {
        this(context, null);
    }

    /** Uses {@code tls} for https (e.g. one trusting a private CA). */
    public NettyUpstreamClient(ContextInternal context, SslContext tls) {
        this(context, tls, IDLE_TIMEOUT_MILLIS, MAX_CONNECTIONS_PER_ORIGIN);
    }

    NettyUpstreamClient(ContextInternal context, SslContext tls, long idleTimeoutMillis, int maxConnectionsPerOrigin) {
        this.context = context;
        this.eventLoop = context.nettyEventLoop();
        this.connector = new UpstreamConnector(context, tls);
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.maxConnectionsPerOrigin = maxConnectionsPerOrigin;
    }

    @Override
    public UpstreamExchange send(String method, String url, Map<String, String> headers, byte[] body, long connectTimeoutMillis) {
        NettyExchange exchange = new NettyExchange(context, connectTimeoutMillis);
        if (eventLoop.inEventLoop()) {
            begin(exchange, method, url, headers, body);
        } else {
            eventLoop.execute(() -> begin(exchange, method, url, headers, body)); // the pools are confined to the loop
        }
        return exchange;
    }

    private void begin(NettyExchange exchange, String method, String url, Map<String, String> headers, byte[] body) {
        if (exchange.isOver()) {
            return; // reset before it got here
        }
        UpstreamUrls.Target target;
        try {
            target = urls.parse(url);
            exchange.request(UpstreamRequests.build(PooledByteBufAllocator.DEFAULT, method, target, headers, body));
        } catch (IllegalArgumentException e) {
            exchange.onConnectFailure(e);
            return;
        }
        start(exchange, target.origin());
    }

    private void start(NettyExchange exchange, UpstreamOrigin origin) {
        if (closed) {
            exchange.onConnectFailure(new IllegalStateException("upstream client closed"));
            return;
        }
        pools.computeIfAbsent(origin,
                        o -> new ConnectionPool(context, o, connector, maxConnectionsPerOrigin, idleTimeoutMillis))
                .acquire(exchange);
    }

    /** Open or opening connections over all origins; call on the event loop. */
    int openConnections() {
        int count = 0;
        for (ConnectionPool pool : pools.values()) {
            count += pool.openConnections();
        }
        return count;
    }

    @Override
    public Future<Void> close() {
        PromiseInternal<Void> done = context.promise();
        if (eventLoop.inEventLoop()) {
            closePools(done);
        } else {
            eventLoop.execute(() -> closePools(done));
        }
        return done.future();
    }

    private void closePools(PromiseInternal<Void> done) {
        closed = true;
        List<Future<Void>> closing = new ArrayList<>(pools.size());
        for (ConnectionPool pool : pools.values()) {
            closing.add(pool.close());
        }
        pools.clear();
        Future.all(closing).<Void>mapEmpty().onComplete(done);
    }
}
