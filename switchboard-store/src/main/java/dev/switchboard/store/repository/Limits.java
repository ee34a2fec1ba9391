package dev.switchboard.store.repository;

/** Rate limits; a null component means no limit of that kind. */
public record Limits(Long requestsPerMinute, Long tokensPerMinute, Long tokensPerDay) {
    public static final Limits NONE = new Limits(null, null, null);
}
