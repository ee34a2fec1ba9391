package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;

/**
 * Maps an upstream error response to a gateway error. The status and Retry-After are passed on; the
 * upstream's own message is kept for client errors (it explains e.g. a context-length overflow) but
 * scrubbed of the provider key, and credential failures never surface as the caller's 401.
 */
public final class UpstreamErrorMapper {
    private static final int MAX_MESSAGE = 2000;

    private UpstreamErrorMapper() {}

    public static GatewayException map(ProviderEndpoint p, int status, String retryAfter, byte[] body) {
        if (status == 401 || status == 403) {
            return new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, 502,
                    "Provider '" + p.name() + "' rejected the gateway's credentials (HTTP " + status + ").", null, null);
        }
        String detail = upstreamMessage(body);
        if (detail != null && p.apiKey() != null && !p.apiKey().value().isEmpty()) {
            detail = detail.replace(p.apiKey().value(), "***");
        }
        String message = "Provider '" + p.name() + "' returned HTTP " + status + (detail == null ? "." : ": " + detail);
        ErrorKind kind;
        if (status == 429) {
            kind = ErrorKind.UPSTREAM_RATE_LIMITED;
        } else if (status == 503 || status == 529) {
            kind = ErrorKind.UPSTREAM_OVERLOADED;
            status = 503;
        } else if (status == 404) {
            kind = ErrorKind.MODEL_NOT_FOUND;
        } else if (status >= 400 && status < 500) {
            kind = ErrorKind.UPSTREAM_CLIENT_ERROR;
        } else {
            kind = ErrorKind.UPSTREAM_SERVER_ERROR;
        }
        return new GatewayException(kind, status, message, null, retryAfter);
    }

    private static String upstreamMessage(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            JsonNode error = root.path("error");
            String text = error.isTextual() ? error.asText()
                    : error.path("message").isTextual() ? error.path("message").asText()
                    : root.path("message").isTextual() ? root.path("message").asText() : null;
            return text == null ? null : text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
        } catch (Exception e) {
            return null; // not JSON: an HTML error page or similar is not passed on
        }
    }
}
