package dev.switchboard.admin;

import dev.switchboard.auth.CidrSet;
import dev.switchboard.auth.IpLiteral;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the admin API checks before it looks at a key: the peer's address against {@code admin.allow} (the TCP
 * peer only; the admin API trusts no forwarding header), and whether the peer has failed to log in
 * {@value #MAX_FAILURES} times in the last minute (then 429 until the oldest failure ages out).
 */
final class AdminGate {
    static final int MAX_FAILURES = 10;
    static final long WINDOW_MS = 60_000;
    /** Peers tracked at most; the least recently seen go first (an attacker with many addresses cannot grow it). */
    private static final int MAX_PEERS = 10_000;

    private final CidrSet allow;
    private final Map<String, ArrayDeque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Long>> eldest) {
            return size() > MAX_PEERS;
        }
    };

    AdminGate(CidrSet allow) {
        this.allow = allow;
    }

    /** An empty allow list admits every peer. */
    boolean allowed(String peerHost) {
        if (allow.isEmpty()) {
            return true;
        }
        byte[] address = IpLiteral.tryParse(peerHost);
        return address != null && allow.contains(address);
    }

    /** 0 when the peer may try a key, else the seconds until it may again. */
    synchronized long blockedFor(String peerHost, long nowMs) {
        ArrayDeque<Long> times = failures.get(peerHost);
        if (times == null) {
            return 0;
        }
        expire(times, nowMs);
        if (times.size() < MAX_FAILURES) {
            return 0;
        }
        return Math.max(1, (times.peekFirst() + WINDOW_MS - nowMs + 999) / 1000);
    }

    synchronized void failed(String peerHost, long nowMs) {
        ArrayDeque<Long> times = failures.computeIfAbsent(peerHost, k -> new ArrayDeque<>());
        expire(times, nowMs);
        times.addLast(nowMs);
        while (times.size() > MAX_FAILURES) {
            times.pollFirst();
        }
        if (failures.size() > MAX_PEERS / 2) {
            for (Iterator<ArrayDeque<Long>> it = failures.values().iterator(); it.hasNext(); ) {
                ArrayDeque<Long> t = it.next();
                expire(t, nowMs);
                if (t.isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    private static void expire(ArrayDeque<Long> times, long nowMs) {
        while (!times.isEmpty() && times.peekFirst() <= nowMs - WINDOW_MS) {
            times.pollFirst();
        }
    }
}
