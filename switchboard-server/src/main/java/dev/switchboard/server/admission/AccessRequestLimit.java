package dev.switchboard.server.admission;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * At most {@value #PER_WINDOW} access requests per key per hour on this gateway (each replica counts its own).
 * Requests are rare, so a small synchronized map of recent timestamps per key is enough; it only holds keys
 * that already authenticated, and entries past the window are dropped as it grows.
 */
public final class AccessRequestLimit {
    public static final int PER_WINDOW = 5;
    static final long WINDOW_MS = 3_600_000;
    private static final int PRUNE_ABOVE = 10_000;

    private final Map<String, ArrayDeque<Long>> recent = new HashMap<>();

    /** Takes one request for {@code keyId} at {@code nowMs}: 0 when allowed, else the seconds to wait. */
    public synchronized long take(String keyId, long nowMs) {
        if (recent.size() > PRUNE_ABOVE) {
            prune(nowMs);
        }
        ArrayDeque<Long> times = recent.computeIfAbsent(keyId, k -> new ArrayDeque<>(PER_WINDOW));
        while (!times.isEmpty() && times.peekFirst() <= nowMs - WINDOW_MS) {
            times.pollFirst();
        }
        if (times.size() >= PER_WINDOW) {
            return Math.max(1, (times.peekFirst() + WINDOW_MS - nowMs + 999) / 1000);
        }
        times.addLast(nowMs);
        return 0;
    }

    private void prune(long nowMs) {
        for (Iterator<ArrayDeque<Long>> it = recent.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Long> times = it.next();
            if (times.isEmpty() || times.peekLast() <= nowMs - WINDOW_MS) {
                it.remove();
            }
        }
    }
}
