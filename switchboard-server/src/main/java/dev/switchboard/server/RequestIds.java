package dev.switchboard.server;

import dev.switchboard.server.call.Exchange;
import dev.switchboard.runtime.Snapshot;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import dev.switchboard.server.wire.HeaderNames;
import dev.switchboard.server.wire.ClientSide;

/**
 * Request ids. The gateway's own id (a random per-process prefix and a counter, cheaper than a random UUID per
 * request) identifies the request in the usage ledger, the access log and error messages; a caller can never
 * choose it. A caller's own {@code x-request-id}, when short and plain, is kept beside it (never as the ledger's
 * key) and echoed in {@code x-request-id}; the gateway's id then goes out in {@code x-switchboard-request-id}.
 */
final class RequestIds {
    /** Longest caller id kept; longer or non-plain ones are ignored. */
    static final int MAX_CLIENT_ID = 128;
    private static final String PREFIX = "req_" + Long.toString(new SecureRandom().nextLong() >>> 1, 36) + "_";
    private static final AtomicLong COUNTER = new AtomicLong();

    private RequestIds() {}

    /** A new exchange with the gateway's id, the caller's id if it sent a usable one, and the id headers set. */
    static Exchange open(ClientSide client, Snapshot snapshot) {
        Exchange ex = new Exchange(next(), client, snapshot);
        String own = clientId(client.header("x-request-id"));
        if (own == null) {
            client.putHeader(HeaderNames.REQUEST_ID, ex.requestId());
        } else {
            ex.clientRequestId(own);
            client.putHeader(HeaderNames.REQUEST_ID, own);
            client.putHeader(HeaderNames.GATEWAY_REQUEST_ID, ex.requestId());
        }
        return ex;
    }

    static String next() {
        return PREFIX + Long.toString(COUNTER.incrementAndGet(), 36);
    }

    /** The caller's id when it is at most 128 characters of {@code [A-Za-z0-9._-]}, else null. */
    static String clientId(String incoming) {
        if (incoming == null || incoming.isEmpty() || incoming.length() > MAX_CLIENT_ID) {
            return null;
        }
        for (int i = 0; i < incoming.length(); i++) {
            if (!plain(incoming.charAt(i))) {
                return null;
            }
        }
        return incoming;
    }

    private static boolean plain(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    }
}
