package dev.switchboard.error;

/**
 * The one failure type of the gateway. Messages are shown to callers, so they never carry secrets
 * or verbatim upstream bodies. {@code status} may differ from the kind's default when an upstream
 * status is passed on (e.g. an upstream 503 keeps its 503).
 */
public final class GatewayException extends RuntimeException {
    private final ErrorKind kind;
    private final int status;
    private final String param;
    private final String retryAfter;

    public GatewayException(ErrorKind kind, String message) {
        this(kind, kind.status(), message, null, null);
    }

    public GatewayException(ErrorKind kind, int status, String message, String param, String retryAfter) {
        super(message, null, false, false);
        this.kind = kind;
        this.status = status;
        this.param = param;
        this.retryAfter = retryAfter;
    }

    public static GatewayException param(ErrorKind kind, String param, String message) {
        return new GatewayException(kind, kind.status(), message, param, null);
    }

    public ErrorKind kind() { return kind; }
    public int status() { return status; }
    /** The request parameter at fault, or null. */
    public String param() { return param; }
    /** The upstream's Retry-After value to pass on, or null. */
    public String retryAfter() { return retryAfter; }
}
