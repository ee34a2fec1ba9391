package dev.switchboard.limits;

/** Which counter refused a request. */
public enum LimitKind {
    REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE, TOKENS_PER_DAY, BUDGET,
    /** The shared limiter is unreachable and configured to fail closed. */
    UNAVAILABLE;

    /** Rate limits free up by themselves as windows pass; worth queueing for. */
    public boolean isRate() {
        return this == REQUESTS_PER_MINUTE || this == TOKENS_PER_MINUTE || this == TOKENS_PER_DAY;
    }

    boolean countsTokens() {
        return this == TOKENS_PER_MINUTE || this == TOKENS_PER_DAY;
    }
}
