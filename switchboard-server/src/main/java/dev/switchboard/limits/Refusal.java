package dev.switchboard.limits;

/**
 * Why a request was refused: the scope and the limit, and when a retry can succeed ({@code retryAfterMillis} &lt; 0:
 * not by waiting, e.g. a total budget spent). {@code tooLarge}: the request's required part alone exceeds the limit,
 * so it can never be admitted (a 400 for the caller, not a 429).
 */
public record Refusal(String scopeId, LimitKind kind, long retryAfterMillis, boolean tooLarge) {
    public Refusal(String scopeId, LimitKind kind, long retryAfterMillis) {
        this(scopeId, kind, retryAfterMillis, false);
    }

    static Refusal tooLarge(String scopeId, LimitKind kind) {
        return new Refusal(scopeId, kind, -1, true);
    }

    public boolean retryable() {
        return retryAfterMillis >= 0;
    }

    /** Whole seconds for a Retry-After header (at least 1 when retryable, 0 when waiting does not help). */
    public long retryAfterSeconds() {
        return retryable() ? Math.max(1, (retryAfterMillis + 999) / 1000) : 0;
    }
}
