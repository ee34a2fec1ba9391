package dev.switchboard.routing;

/** How an attempt failed, as far as retrying and failing over are concerned. */
public enum FailureClass {
    CONNECT, TIMEOUT, SERVER_ERROR, RATE_LIMITED, CONTEXT_LENGTH, CONTENT_FILTER, CLIENT_ERROR;

    /** Whether the failure says something about the target's health (feeds the breaker and the error statistics). */
    public boolean targetFault() {
        return this == CONNECT || this == TIMEOUT || this == SERVER_ERROR || this == RATE_LIMITED;
    }

    RetryOn retryOn() {
        return switch (this) {
            case CONNECT -> RetryOn.CONNECT;
            case TIMEOUT -> RetryOn.TIMEOUT;
            case SERVER_ERROR -> RetryOn.SERVER_ERROR;
            case RATE_LIMITED -> RetryOn.RATE_LIMITED;
            default -> null;
        };
    }

    /** The route fallback trigger this failure answers to, or null when no other target would do better. */
    public FallbackTrigger trigger() {
        return switch (this) {
            case CONTEXT_LENGTH -> FallbackTrigger.CONTEXT_LENGTH;
            case CONTENT_FILTER -> FallbackTrigger.CONTENT_FILTER;
            case CLIENT_ERROR -> null;
            default -> FallbackTrigger.ERROR;
        };
    }
}
