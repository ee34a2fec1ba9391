package dev.switchboard.server.call;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.Timeouts;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.server.upstream.UpstreamClient;
import dev.switchboard.server.upstream.UpstreamExchange;
import dev.switchboard.server.upstream.UpstreamResponse;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import dev.switchboard.server.upstream.ProviderConnections;

/**
 * One attempt against an upstream, with its deadlines: connect, first byte (response headers), idle gap
 * between body chunks, and total. The event loop's {@link DeadlineSweeper} checks them; body reads only
 * update a timestamp. Holds one of the provider's connections ({@link ProviderConnections}) from the send until
 * the attempt ends, and is refused at once (503) when the provider's {@code max_connections} are in use.
 * A deadline that passes while the relay paused the upstream for a slow client is the client's fault
 * ({@link #clientStalled()}), not the provider's. Confined to the event loop of the exchange.
 */
public final class UpstreamCall implements DeadlineSweeper.Watched {
    private final DeadlineSweeper sweeper;
    private final UpstreamClient client;
    private final ProviderEndpoint provider;
    private final ProviderConnections.Gate connections;
    private final Timeouts timeouts;
    private final long startNanos = System.nanoTime();
    private long lastActivityNanos = startNanos;
    /** Something arrived since the sweeper's last tick; the tick then stamps the time (no clock read per chunk). */
    private boolean activeSinceTick;
    private boolean headersReceived;
    private int status;
    private boolean done;
    private boolean holdsConnection;
    /** The relay paused the upstream because the client reads too slowly. */
    private boolean clientPaused;
    private boolean clientStalled;
    private boolean refused;
    private int slot = -1;
    private UpstreamExchange exchange;
    private GatewayException timeout;
    private Runnable onTimeout = () -> { };

    public UpstreamCall(DeadlineSweeper sweeper, UpstreamClient client, ProviderEndpoint provider, ProviderConnections connections) {
        this.sweeper = sweeper;
        this.client = client;
        this.provider = provider;
        this.connections = connections.gate(provider.name());
        this.timeouts = provider.timeouts();
    }

    /**
     * Sends the request; {@code onHead} gets the response head, or the gateway error for why there is none (a plain
     * callback rather than a transformed future: one future fewer on every call).
     */
    public void send(UpstreamRequest up, Handler<AsyncResult<UpstreamResponse>> onHead) {
        int max = provider.limits().maxConnections();
        if (!connections.tryAcquire(max)) {
            done = true;
            refused = true;
            onHead.handle(Future.failedFuture(new GatewayException(ErrorKind.UPSTREAM_OVERLOADED, 503, "Provider '"
                    + provider.name() + "' is at this gateway's connection limit (" + max + "); retry shortly.", null, "1")));
            return;
        }
        holdsConnection = true;
        sweeper.add(this);
        exchange = client.send(up.method(), up.url(), up.headers(), up.body(), timeouts.connect().toMillis());
        exchange.response().onComplete(ar -> {
            if (ar.succeeded()) {
                headersReceived = true;
                status = ar.result().statusCode();
                activeSinceTick = true;
                onHead.handle(ar);
            } else {
                onHead.handle(Future.failedFuture(failure(ar.cause())));
            }
        });
    }

    /**
     * Whether the provider may have generated (and billed) something: the request was written to it and no error
     * status came back (a success, or no answer yet: timed out, abandoned, broken).
     */
    public boolean mayHaveGenerated() {
        return exchange != null && exchange.written() && (!headersReceived || status / 100 == 2);
    }

    /** A body chunk arrived: the idle deadline moves (to the next tick, so it can fire up to one tick later). */
    public void activity() {
        activeSinceTick = true;
    }

    /**
     * The relay paused (true) or resumed (false) the upstream for the client's sake. The idle deadline restarts at
     * each change; one that passes while paused ends the call as {@link #clientStalled()}.
     */
    public void clientPaused(boolean paused) {
        clientPaused = paused;
        activeSinceTick = true;
    }

    /** The call was refused before sending: the provider's {@code max_connections} were in use (not its fault). */
    public boolean refused() {
        return refused;
    }

    /** The deadline that ended this call passed while the client, not the provider, held the stream up. */
    public boolean clientStalled() {
        return clientStalled;
    }

    /** Called on the event loop when a deadline passes, after the request was reset. */
    public void onTimeout(Runnable action) {
        this.onTimeout = action;
    }

    /** The attempt ended normally. */
    public void complete() {
        done = true;
        cancelTimer();
        releaseConnection();
    }

    /** The client went away or the gateway gave up: close the upstream request. */
    public void cancel() {
        if (!done) {
            done = true;
            cancelTimer();
            if (exchange != null) {
                exchange.reset(cancelled());
            }
        }
        releaseConnection();
    }

    /**
     * The gateway error for a transport failure, preferring a timeout that caused it. The attempt is over: its
     * deadlines stop and its connection is counted free.
     */
    public GatewayException failure(Throwable cause) {
        if (!done) {
            done = true;
            cancelTimer();
        }
        releaseConnection();
        if (timeout != null) {
            return timeout;
        }
        if (cause instanceof GatewayException g) {
            return g;
        }
        if (cause instanceof ConnectTimeoutException || (cause != null && cause.getClass().getSimpleName().contains("Timeout"))) {
            return new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, "Provider '" + provider.name()
                    + "' could not be reached within the connect timeout (" + timeouts.connect().toMillis() + " ms).");
        }
        if (!headersReceived) {
            return new GatewayException(ErrorKind.UPSTREAM_UNREACHABLE, "Provider '" + provider.name()
                    + "' is unreachable (" + describe(cause) + ").");
        }
        return new GatewayException(ErrorKind.UPSTREAM_STREAM_BROKEN, "The connection to provider '" + provider.name()
                + "' broke before the response was complete.");
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "connection failed";
        }
        String name = cause.getClass().getSimpleName();
        return name.isEmpty() ? "connection failed" : name;
    }

    private GatewayException cancelled() {
        return new GatewayException(ErrorKind.UPSTREAM_UNREACHABLE, "The request to provider '" + provider.name() + "' was cancelled.");
    }

    @Override
    public int slot() {
        return slot;
    }

    @Override
    public void slot(int slot) {
        this.slot = slot;
    }

    @Override
    public void check(long now) {
        if (done) {
            cancelTimer();
            return;
        }
        if (activeSinceTick) {
            activeSinceTick = false;
            lastActivityNanos = now;
        }
        long total = startNanos + timeouts.total().toNanos();
        long phase = headersReceived
                ? lastActivityNanos + timeouts.idle().toNanos()
                : startNanos + timeouts.firstByte().toNanos();
        if (now < Math.min(total, phase)) {
            return;
        }
        String which;
        long limit;
        if (now >= total) {
            which = "total";
            limit = timeouts.total().toMillis();
        } else if (!headersReceived) {
            which = "first_byte";
            limit = timeouts.firstByte().toMillis();
        } else {
            which = "idle";
            limit = timeouts.idle().toMillis();
        }
        clientStalled = clientPaused && headersReceived;
        timeout = clientStalled
                ? new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, "The client read the stream too slowly ("
                        + which + " timeout of " + limit + " ms while the stream waited for the client).")
                : new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, "Provider '" + provider.name()
                        + "' timed out (" + which + " timeout of " + limit + " ms).");
        done = true;
        cancelTimer();
        if (exchange != null) {
            exchange.reset(timeout);
        }
        releaseConnection();
        onTimeout.run();
    }

    private void cancelTimer() {
        sweeper.remove(this);
    }

    private void releaseConnection() {
        if (holdsConnection) {
            holdsConnection = false;
            connections.release();
        }
    }
}
