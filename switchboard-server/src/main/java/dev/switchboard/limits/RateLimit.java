package dev.switchboard.limits;

/** Request and token caps of one scope; a null field is unlimited. */
public record RateLimit(Long requestsPerMinute, Long tokensPerMinute, Long tokensPerDay) {
    public static final RateLimit UNLIMITED = new RateLimit(null, null, null);

    public RateLimit {
        requireNonNegative(requestsPerMinute, "requestsPerMinute");
        requireNonNegative(tokensPerMinute, "tokensPerMinute");
        requireNonNegative(tokensPerDay, "tokensPerDay");
    }

    public static RateLimit requestsPerMinute(long n) {
        return new RateLimit(n, null, null);
    }

    private static void requireNonNegative(Long v, String name) {
        if (v != null && v < 0) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }
}
