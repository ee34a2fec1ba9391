package dev.switchboard.server.lane;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts, for one gateway, the open connections and the bytes of request bodies still arriving, in all and per peer
 * address, against their caps. A peer's entry lives while it has connections. Thread-safe and lock-free on the
 * request path: a body chunk costs two atomic adds, a connection one map update when it opens and one when it closes.
 */
final class PeerTable {
    /** What {@link #take} answers. */
    static final int TAKEN = 0;
    static final int PEER_FULL = 1;
    static final int ALL_FULL = 2;

    /** One peer address: its connections (changed only inside the map's compute) and its body bytes. */
    static final class Peer {
        final InetAddress address;
        private int connections;
        final AtomicLong bodyBytes = new AtomicLong();

        Peer(InetAddress address) {
            this.address = address;
        }
    }

    private final ConcurrentHashMap<InetAddress, Peer> peers = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong bodyBytes = new AtomicLong();
    private final int maxConnections;
    private final int maxConnectionsPerPeer;
    private final long bodyMemory;
    private final long bodyMemoryPerPeer;

    PeerTable(int maxConnections, int maxConnectionsPerPeer, long bodyMemory, long bodyMemoryPerPeer) {
        this.maxConnections = maxConnections;
        this.maxConnectionsPerPeer = maxConnectionsPerPeer;
        this.bodyMemory = bodyMemory;
        this.bodyMemoryPerPeer = bodyMemoryPerPeer;
    }

    /** Counts a new connection; null when it would pass a cap (the caller closes it). */
    Peer open(InetAddress address) {
        if (connections.incrementAndGet() > maxConnections) {
            connections.decrementAndGet();
            return null;
        }
        boolean[] counted = {false}; // one small allocation per connection, none per request
        Peer p = peers.compute(address, (k, existing) -> {
            Peer q = existing == null ? new Peer(k) : existing;
            if (q.connections < maxConnectionsPerPeer) {
                q.connections++;
                counted[0] = true;
            }
            return q;
        });
        if (!counted[0]) {
            connections.decrementAndGet();
            return null;
        }
        return p;
    }

    void close(Peer p) {
        peers.computeIfPresent(p.address, (k, q) -> --q.connections <= 0 ? null : q);
        connections.decrementAndGet();
    }

    /** Reserves {@code n} bytes of a body still arriving; {@link #TAKEN}, or which cap it would pass (nothing taken). */
    int take(Peer p, long n) {
        if (p != null && p.bodyBytes.addAndGet(n) > bodyMemoryPerPeer) {
            p.bodyBytes.addAndGet(-n);
            return PEER_FULL;
        }
        if (bodyBytes.addAndGet(n) > bodyMemory) {
            bodyBytes.addAndGet(-n);
            if (p != null) {
                p.bodyBytes.addAndGet(-n);
            }
            return ALL_FULL;
        }
        return TAKEN;
    }

    void give(Peer p, long n) {
        if (n == 0) {
            return;
        }
        bodyBytes.addAndGet(-n);
        if (p != null) {
            p.bodyBytes.addAndGet(-n);
        }
    }

    /** The answer to a body refused at a cap: 429 for the peer's, 503 for the gateway's; both retry after a second. */
    static GatewayException refusal(int verdict) {
        return verdict == PEER_FULL
                ? new GatewayException(ErrorKind.RATE_LIMITED, 429,
                        "Too many request bytes in flight from your address; send fewer large requests at once.", null, "1")
                : new GatewayException(ErrorKind.GATEWAY_BUSY, 503,
                        "The gateway is receiving too many large requests; try again shortly.", null, "1");
    }

    int connections() {
        return connections.get();
    }
}
