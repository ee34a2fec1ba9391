package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamErrorMapper;

/**
 * Maps Anthropic's error body ({@code {"type":"error","error":{"type":…,"message":…},"request_id":…}}), whether
 * it came as an HTTP error response or as an {@code error} event inside a stream, to a gateway error.
 * The error type decides, not the status, since a stream error has none. Failures of the gateway's own account
 * (credentials, permissions, billing) are 502s: the caller's key is fine and must not see a 401 or 403.
 * Messages are scrubbed of the provider key; request_id is kept for support tickets.
 */
public final class AnthropicErrorMapper {
    private static final int MAX_MESSAGE = 2000;

    private AnthropicErrorMapper() {}

    public static GatewayException map(ProviderEndpoint p, int status, String retryAfter, byte[] body) {
        JsonNode root = parse(body);
        if (root == null || !root.path("error").path("type").isTextual()) {
            return UpstreamErrorMapper.map(p, status, retryAfter, body); // not Anthropic's shape, e.g. a proxy's page
        }
        GatewayException e = fromError(p, root, status, retryAfter);
        return e != null ? e : UpstreamErrorMapper.map(p, status, retryAfter, body); // a type newer than this code
    }

    /** An {@code error} event of a stream (its data parsed). */
    public static GatewayException fromStreamEvent(ProviderEndpoint p, JsonNode event) {
        GatewayException e = fromError(p, event, 0, null);
        return e != null ? e : new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, 502, "Provider '" + p.name()
                + "' failed mid-stream (" + event.path("error").path("type").asText("unknown error") + "): "
                + detail(p, event.path("error").path("message").asText(null), event.path("request_id").asText(null)), null, null);
    }

    /** The error for a known Anthropic error type, or null for a type this code does not know. */
    private static GatewayException fromError(ProviderEndpoint p, JsonNode root, int status, String retryAfter) {
        JsonNode error = root.path("error");
        String type = error.path("type").asText("");
        String detail = detail(p, error.path("message").asText(null), root.path("request_id").asText(null));
        String provider = "Provider '" + p.name() + "'";
        return switch (type) {
            case "invalid_request_error" -> new GatewayException(ErrorKind.UPSTREAM_CLIENT_ERROR,
                    status >= 400 && status < 500 ? status : 400, provider + " rejected the request: " + detail, null, null);
            case "request_too_large" -> new GatewayException(ErrorKind.UPSTREAM_CLIENT_ERROR, 413,
                    provider + " rejected the request as too large: " + detail, null, null);
            case "not_found_error" -> new GatewayException(ErrorKind.MODEL_NOT_FOUND, 404, provider + ": " + detail, null, null);
            case "authentication_error", "permission_error" -> new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, 502,
                    provider + " rejected the gateway's credentials (" + type + ").", null, null);
            case "billing_error" -> new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, 502,
                    provider + " refused the gateway's account (" + type + ").", null, null);
            case "rate_limit_error" -> "enforced_spend_limit_reached".equals(error.path("details").path("error_code").asText())
                    // the account's monthly limit: waiting will not help, so it is not a retryable 429
                    ? new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, 502,
                            provider + " refused the gateway's account (spend limit reached).", null, null)
                    : new GatewayException(ErrorKind.UPSTREAM_RATE_LIMITED, 429, provider + " is rate limiting: " + detail, null, retryAfter);
            case "overloaded_error" -> new GatewayException(ErrorKind.UPSTREAM_OVERLOADED, 503,
                    provider + " is overloaded: " + detail, null, retryAfter);
            case "timeout_error" -> new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, 504, provider + " timed out: " + detail, null, retryAfter);
            case "api_error" -> new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, 502,
                    provider + " failed (" + type + "): " + detail, null, retryAfter);
            default -> null;
        };
    }

    private static String detail(ProviderEndpoint p, String message, String requestId) {
        String text = message == null || message.isEmpty() ? "no message" : message;
        if (p.apiKey() != null && !p.apiKey().value().isEmpty()) {
            text = text.replace(p.apiKey().value(), "***");
        }
        if (text.length() > MAX_MESSAGE) {
            text = text.substring(0, MAX_MESSAGE) + "…";
        }
        return requestId == null ? text : text + " (request_id " + requestId + ")";
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }
}
