package dev.switchboard.error;

/**
 * Every way a request can fail, with the HTTP status and OpenAI-style {@code type}/{@code code} it maps to.
 * One table so that each dialect renders the same failure the same way.
 */
public enum ErrorKind {
    INVALID_REQUEST(400, "invalid_request_error", "invalid_request", false),
    MALFORMED_JSON(400, "invalid_request_error", "invalid_json", false),
    MISSING_PARAMETER(400, "invalid_request_error", "missing_required_parameter", false),
    INVALID_PARAMETER(400, "invalid_request_error", "invalid_parameter", false),
    /** Anthropic's {@code thread} on a route that cannot keep one: the client resends the whole conversation. */
    THREAD_UNSUPPORTED(400, "invalid_request_error", "thread_unsupported_request", false),
    UNAUTHENTICATED(401, "authentication_error", "invalid_api_key", false),
    MODEL_NOT_ALLOWED(403, "permission_error", "model_not_allowed", false),
    /** A budget applies but the model has no price (and no fallback price is configured): it cannot be charged. */
    MODEL_NOT_PRICED(400, "invalid_request_error", "model_not_priced", false),
    ADDRESS_NOT_ALLOWED(403, "permission_error", "ip_not_allowed", false),
    /** The request's input alone is more than a limit or budget allows: no wait or retry can ever admit it. */
    REQUEST_EXCEEDS_LIMIT(400, "invalid_request_error", "request_exceeds_limit", false),
    RATE_LIMITED(429, "rate_limit_error", "rate_limit_exceeded", false),
    BUDGET_EXCEEDED(429, "insufficient_quota", "budget_exceeded", false),
    LIMITS_UNAVAILABLE(503, "api_error", "limits_unavailable", false),
    /** The gateway holds as many request bodies still arriving as it allows: try again shortly. */
    GATEWAY_BUSY(503, "api_error", "gateway_busy", false),
    NOT_FOUND(404, "invalid_request_error", "not_found", false),
    MODEL_NOT_FOUND(404, "invalid_request_error", "model_not_found", false),
    METHOD_NOT_ALLOWED(405, "invalid_request_error", "method_not_allowed", false),
    BODY_TOO_LARGE(413, "invalid_request_error", "request_too_large", false),
    UNSUPPORTED_MEDIA_TYPE(415, "invalid_request_error", "unsupported_media_type", false),
    UPSTREAM_CLIENT_ERROR(400, "invalid_request_error", "upstream_error", false),
    UPSTREAM_RATE_LIMITED(429, "rate_limit_error", "rate_limit_exceeded", true),
    UPSTREAM_SERVER_ERROR(502, "api_error", "upstream_error", true),
    UPSTREAM_UNREACHABLE(502, "api_error", "upstream_unreachable", true),
    UPSTREAM_STREAM_BROKEN(502, "api_error", "upstream_stream_interrupted", false),
    UPSTREAM_OVERLOADED(503, "api_error", "upstream_overloaded", true),
    UPSTREAM_TIMEOUT(504, "timeout_error", "upstream_timeout", true),
    /** A configured stage failed (threw, or its future failed): the gateway's fault, never the client's. */
    STAGE_FAILED(500, "api_error", "stage_failed", false),
    /** A configured stage did not decide within its time. */
    STAGE_TIMEOUT(504, "timeout_error", "stage_timeout", false),
    INTERNAL(500, "api_error", "internal_error", false);

    private final int status;
    private final String type;
    private final String code;
    private final boolean retryable;

    ErrorKind(int status, String type, String code, boolean retryable) {
        this.status = status;
        this.type = type;
        this.code = code;
        this.retryable = retryable;
    }

    public int status() { return status; }
    public String type() { return type; }
    public String code() { return code; }
    /** Whether another attempt (same or other target) may succeed. */
    public boolean retryable() { return retryable; }
}
