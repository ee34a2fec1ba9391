package dev.switchboard.limits;

/**
 * One thing whose counters a request draws on, e.g. {@code key:abc}, {@code team:t1},
 * {@code model:openai/gpt-4o} or {@code key:abc|model:openai/gpt-4o}, with its limit and/or budget
 * (either may be null). Ids of one request must be distinct. {@code reported}: whether the caller may see the
 * scope's windows in the {@code x-ratelimit-*} headers (false for counters shared with other callers).
 */
public record Scope(String id, RateLimit rateLimit, Budget budget, boolean reported) {
    public Scope {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("scope id is required");
        }
    }

    /** A scope whose windows the headers report. */
    public Scope(String id, RateLimit rateLimit, Budget budget) {
        this(id, rateLimit, budget, true);
    }

    public static Scope of(String id, RateLimit rateLimit) {
        return new Scope(id, rateLimit, null);
    }

    public static Scope of(String id, Budget budget) {
        return new Scope(id, null, budget);
    }
}
