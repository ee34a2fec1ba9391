package dev.switchboard.config;

/** Request and token rate limits of one scope; a null field is unlimited. */
public record RateLimitConfig(Long requestsPerMinute, Long tokensPerMinute, Long tokensPerDay) {
    public static final RateLimitConfig NONE = new RateLimitConfig(null, null, null);

    public boolean isEmpty() {
        return requestsPerMinute == null && tokensPerMinute == null && tokensPerDay == null;
    }
}
