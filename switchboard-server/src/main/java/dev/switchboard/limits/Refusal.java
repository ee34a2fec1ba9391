package dev.switchboard.limits;

/**
 * Why a request was refused: the scope and the limit, and when a retry can succeed
 * ({@code retryAfterMillis} &lt; 0: not by waiting, e.g. a total budget spent or a request larger than the limit).
 */
public record Refusal(String scopeId, LimitKind kind, long retryAfterMillis) {
    public boolean retryable() {
        return retryAfterMillis >= 0;
    }

    /** Whole seconds for a Retry-After header (at least 1 when retryable, 0 when waiting does not help). */
    public long retryAfterSeconds() {
        return retryable() ? Math.max(1, (retryAfterMillis + 999) / 1000) : 0;
    }
}
