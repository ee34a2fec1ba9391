package dev.switchboard.server;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids: a random per-process prefix and a counter, cheaper than a random UUID per request.
 * A caller's own {@code x-request-id} is kept when it is short and plain.
 */
final class RequestIds {
    private static final String PREFIX = "req_" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 16, 36) + "_";
    private static final AtomicLong COUNTER = new AtomicLong();

    private RequestIds() {}

    static String next(String incoming) {
        if (incoming != null && incoming.length() <= 128 && incoming.chars().allMatch(RequestIds::plain)) {
            return incoming;
        }
        return PREFIX + Long.toString(COUNTER.incrementAndGet(), 36);
    }

    private static boolean plain(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    }
}
