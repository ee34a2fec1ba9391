package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamErrorMapper;

/**
 * Maps Google's error body ({@code {"error":{"code":400,"message":…,"status":"INVALID_ARGUMENT","details":[…]}}}),
 * as an HTTP error response or as an error object inside a stream, to a gateway error. The gRPC-style status
 * decides when present, else the code. Failures of the gateway's own key (UNAUTHENTICATED, PERMISSION_DENIED, and
 * the 400 API_KEY_INVALID Google answers for a bad key) are 502s. Messages are scrubbed of the provider key.
 */
public final class GeminiErrorMapper {
    private static final int MAX_MESSAGE = 2000;

    private GeminiErrorMapper() {}

    public static GatewayException map(ProviderEndpoint p, int status, String retryAfter, byte[] body) {
        JsonNode root = parse(body);
        if (root == null || !root.path("error").isObject()) {
            return UpstreamErrorMapper.map(p, status, retryAfter, body); // not Google's shape, e.g. a proxy's page
        }
        return fromError(p, root.get("error"), status, retryAfter);
    }

    /** An error object that arrived as a stream event. */
    public static GatewayException fromStreamEvent(ProviderEndpoint p, JsonNode event) {
        return fromError(p, event.path("error"), event.path("error").path("code").asInt(500), null);
    }

    static GatewayException fromError(ProviderEndpoint p, JsonNode error, int status, String retryAfter) {
        int code = error.path("code").asInt(status);
        String grpc = error.path("status").asText(statusFor(code));
        String detail = detail(p, error.path("message").asText(null));
        String provider = "Provider '" + p.name() + "'";
        if (keyInvalid(error)) {
            grpc = "UNAUTHENTICATED";
        }
        return switch (grpc) {
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE", "ALREADY_EXISTS", "ABORTED" ->
                    new GatewayException(ErrorKind.UPSTREAM_CLIENT_ERROR, code >= 400 && code < 500 ? code : 400,
                            provider + " rejected the request (" + grpc + "): " + detail, null, null);
            case "UNAUTHENTICATED", "PERMISSION_DENIED" -> new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, 502,
                    provider + " rejected the gateway's credentials (" + grpc + ").", null, null);
            case "NOT_FOUND" -> new GatewayException(ErrorKind.MODEL_NOT_FOUND, 404, provider + ": " + detail, null, null);
            case "RESOURCE_EXHAUSTED" -> new GatewayException(ErrorKind.UPSTREAM_RATE_LIMITED, 429,
                    provider + " is rate limiting: " + detail, null, retryAfter);
            case "UNAVAILABLE" -> new GatewayException(ErrorKind.UPSTREAM_OVERLOADED, 503,
                    provider + " is overloaded: " + detail, null, retryAfter);
            case "DEADLINE_EXCEEDED" -> new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, 504,
                    provider + " timed out: " + detail, null, retryAfter);
            default -> new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, 502,
                    provider + " failed (" + grpc + "): " + detail, null, retryAfter);
        };
    }

    private static String statusFor(int code) {
        return switch (code) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> code >= 400 && code < 500 ? "INVALID_ARGUMENT" : "INTERNAL";
        };
    }

    private static boolean keyInvalid(JsonNode error) {
        for (JsonNode d : error.path("details")) {
            if ("API_KEY_INVALID".equals(d.path("reason").asText())) {
                return true;
            }
        }
        return false;
    }

    private static String detail(ProviderEndpoint p, String message) {
        String text = message == null || message.isEmpty() ? "no message" : message;
        if (p.apiKey() != null && !p.apiKey().value().isEmpty()) {
            text = text.replace(p.apiKey().value(), "***");
        }
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            // Google sometimes answers an array holding the error object
            return n != null && n.isArray() && n.size() == 1 ? n.get(0) : n;
        } catch (Exception e) {
            return null;
        }
    }
}
