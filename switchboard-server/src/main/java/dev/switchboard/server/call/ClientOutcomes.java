package dev.switchboard.server.call;

/**
 * The error types a call ends with when the client, not a provider, ended it: recorded in the ledger, and never
 * counted against a provider's breaker or statistics.
 */
public final class ClientOutcomes {
    /** The client closed its connection before the answer was complete. */
    public static final String CLIENT_CLOSED = "client_closed";
    /** The client read a stream too slowly: it stayed unread past the idle timeout. */
    public static final String CLIENT_TOO_SLOW = "client_too_slow";

    private ClientOutcomes() {}
}
