package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.provider.ProviderEndpoint;
import java.util.Locale;

/**
 * Bedrock errors ({@code {"message":…}}, the exception named by the HTTP status, a {@code __type} field, or the
 * stream's {@code :exception-type}) → gateway errors: ThrottlingException → 429, ValidationException → 400,
 * ModelNotReadyException / ServiceUnavailableException → 503, AccessDeniedException (and other credential
 * failures) → 502, ResourceNotFoundException → 404, ModelTimeoutException → 504, the rest → 502. Messages are
 * scrubbed of the secret key.
 */
public final class BedrockErrorMapper {
    private static final int MAX_MESSAGE = 2000;

    private BedrockErrorMapper() {}

    public static GatewayException map(ProviderEndpoint p, int status, String retryAfter, byte[] body) {
        JsonNode root = parse(body);
        String type = root == null ? null : root.path("__type").asText(null);
        String message = root == null ? null : root.path("message").asText(root.path("Message").asText(null));
        return build(p, type != null ? type : byStatus(status), message, retryAfter);
    }

    /** An exception message inside the ConverseStream stream. */
    public static GatewayException fromStream(ProviderEndpoint p, String exceptionType, String payload) {
        JsonNode root = parse(payload == null ? null : payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String message = root == null ? payload : root.path("message").asText(root.path("Message").asText(null));
        return build(p, exceptionType == null ? "InternalServerException" : exceptionType, message, null);
    }

    static String byStatus(int status) {
        return switch (status) {
            case 400 -> "ValidationException";
            case 401, 403 -> "AccessDeniedException";
            case 404 -> "ResourceNotFoundException";
            case 408 -> "ModelTimeoutException";
            case 424 -> "ModelErrorException";
            case 429 -> "ThrottlingException";
            case 503 -> "ServiceUnavailableException";
            default -> status >= 400 && status < 500 ? "ValidationException" : "InternalServerException";
        };
    }

    static GatewayException build(ProviderEndpoint p, String rawType, String message, String retryAfter) {
        String type = normalize(rawType);
        String provider = "Provider '" + p.name() + "'";
        String detail = detail(p, message);
        return switch (type) {
            case "ThrottlingException", "ServiceQuotaExceededException" -> new GatewayException(
                    ErrorKind.UPSTREAM_RATE_LIMITED, 429, provider + " is rate limiting (" + type + "): " + detail, null, retryAfter);
            case "ValidationException" -> new GatewayException(ErrorKind.UPSTREAM_CLIENT_ERROR, 400,
                    provider + " rejected the request (" + type + "): " + detail, null, null);
            case "ModelNotReadyException", "ServiceUnavailableException" -> new GatewayException(
                    ErrorKind.UPSTREAM_OVERLOADED, 503, provider + " is unavailable (" + type + "): " + detail, null, retryAfter);
            case "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException",
                    "ExpiredTokenException", "UnauthorizedException", "IncompleteSignatureException" ->
                    new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, 502,
                            provider + " rejected the gateway's credentials (" + type + ").", null, null);
            case "ResourceNotFoundException" -> new GatewayException(ErrorKind.MODEL_NOT_FOUND, 404,
                    provider + ": " + detail, null, null);
            case "ModelTimeoutException" -> new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, 504,
                    provider + " timed out: " + detail, null, retryAfter);
            default -> new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, 502,
                    provider + " failed (" + type + "): " + detail, null, retryAfter);
        };
    }

    /** "com.amazon…#ThrottlingException", "ThrottlingException:http://…", "throttlingException" → "ThrottlingException". */
    static String normalize(String type) {
        String t = type;
        int hash = t.lastIndexOf('#');
        if (hash >= 0) {
            t = t.substring(hash + 1);
        }
        int colon = t.indexOf(':');
        if (colon >= 0) {
            t = t.substring(0, colon);
        }
        return t.isEmpty() ? "InternalServerException" : t.substring(0, 1).toUpperCase(Locale.ROOT) + t.substring(1);
    }

    private static String detail(ProviderEndpoint p, String message) {
        String text = message == null || message.isEmpty() ? "no message" : message;
        if (p.apiKey() != null) {
            for (String part : p.apiKey().value().split(":")) {
                if (part.length() >= 8) {
                    text = text.replace(part, "***");
                }
            }
        }
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            return n != null && n.isObject() ? n : null;
        } catch (Exception e) {
            return null;
        }
    }
}
