package dev.switchboard.server.lane;

import dev.switchboard.config.FrontDoorConfig;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.governance.NetworkGuard;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's front door: what it allows a client before a request reaches a lane. It sees every connection the
 * listener accepts (a handler on the server channel, put there by {@link GuardedTransport}), refuses those over the
 * connection caps, and gives the others a {@link ConnectionGuard}; HTTP/1 connections also get a {@link HeadGate}.
 * One per gateway; thread-safe.
 */
public final class FrontDoor {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FrontDoor.class);

    /** The timeouts, in nanoseconds. */
    record Limits(long headNanos, long bodyNanos, long idleNanos) {}

    final PeerTable peers;
    final Limits limits;
    final long maxBodyBytes;
    private final Set<Integer> ports = ConcurrentHashMap.newKeySet();
    private volatile NetworkGuard network;
    private final ChannelHandler acceptor = new Acceptor();
    private volatile long lastRefusalLog;

    public FrontDoor(ServerConfig server) {
        FrontDoorConfig f = server.frontDoor();
        long bodyMemory = f.bodyMemory() > 0 ? f.bodyMemory() : defaultBodyMemory();
        long perPeer = f.bodyMemoryPerPeer() > 0 ? f.bodyMemoryPerPeer() : 4 * server.maxBodyBytes();
        this.peers = new PeerTable(f.maxConnections(), f.maxConnectionsPerPeer(), bodyMemory, perPeer);
        this.limits = new Limits(f.headTimeout().toNanos(), f.bodyTimeout().toNanos(), f.keepAliveTimeout().toNanos());
        this.maxBodyBytes = server.maxBodyBytes();
    }

    /** A quarter of what the JVM lets direct buffers use (the lane keeps bodies in them; reads need them too). */
    static long defaultBodyMemory() {
        return Math.max(16L * 1024 * 1024, io.netty.util.internal.PlatformDependent.maxDirectMemory() / 4);
    }

    /** Connections accepted on this port are the gateway's (the same Vert.x may listen on others: admin, demo). */
    public void guard(int port) {
        if (port > 0) {
            ports.add(port);
        }
    }

    public void network(NetworkGuard network) {
        this.network = network;
    }

    public NetworkGuard network() {
        return network;
    }

    /** The handler for a listening (server) channel. */
    ChannelHandler acceptor() {
        return acceptor;
    }

    @ChannelHandler.Sharable
    private final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child && child.localAddress() instanceof InetSocketAddress local
                    && ports.contains(local.getPort()) && child.remoteAddress() instanceof InetSocketAddress remote) {
                PeerTable.Peer peer = peers.open(remote.getAddress());
                if (peer == null) {
                    child.pipeline().addFirst(ConnectionGuard.NAME, new Refusal());
                    logRefusal();
                } else {
                    child.pipeline().addFirst(ConnectionGuard.NAME, new ConnectionGuard(peers, peer, limits));
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    private void logRefusal() {
        long now = System.currentTimeMillis();
        if (now - lastRefusalLog > 10_000) { // at most one line per 10 s however many are refused
            lastRefusalLog = now;
            LOG.warn("refusing connections over server.max_connections / server.max_connections_per_peer");
        }
    }

    /** Closes a connection over a cap as soon as it is open. */
    private static final class Refusal extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.fireChannelActive();
            ctx.close();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }
}
