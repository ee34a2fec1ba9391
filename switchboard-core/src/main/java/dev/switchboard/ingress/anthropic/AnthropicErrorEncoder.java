package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.sse.SseEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Renders a failure in Anthropic's shape, {@code {"type":"error","error":{"type","message"}}}, with the error
 * type Anthropic's documentation gives for the status (400 invalid_request_error, 401 authentication_error,
 * 403 permission_error, 404 not_found_error, 413 request_too_large, 429 rate_limit_error, 500 api_error,
 * 529 overloaded_error). A thread the route cannot keep also carries Anthropic's
 * {@code details: {"error_code": "thread_unsupported_request"}}.
 */
public final class AnthropicErrorEncoder {
    private AnthropicErrorEncoder() {}

    public static byte[] encode(GatewayException e) {
        try {
            return Json.MAPPER.writeValueAsBytes(tree(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The mid-stream form: {@code event: error} with the same body. */
    public static byte[] encodeEvent(GatewayException e) {
        return SseEncoder.encode("error", new String(encode(e), StandardCharsets.UTF_8));
    }

    static ObjectNode tree(GatewayException e) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("type", "error");
        ObjectNode error = root.putObject("error");
        error.put("type", type(e));
        error.put("message", e.getMessage());
        if (e.kind() == ErrorKind.THREAD_UNSUPPORTED) {
            // the SDKs' thread helpers read error.details.error_code to resend the conversation whole
            error.putObject("details").put("error_code", e.kind().code());
        }
        return root;
    }

    static String type(GatewayException e) {
        return switch (e.kind()) {
            case UPSTREAM_OVERLOADED -> "overloaded_error";
            case UPSTREAM_RATE_LIMITED -> "rate_limit_error";
            case UNAUTHENTICATED -> "authentication_error";
            case MODEL_NOT_ALLOWED -> "permission_error";
            case NOT_FOUND, MODEL_NOT_FOUND -> "not_found_error";
            case BODY_TOO_LARGE -> "request_too_large";
            default -> byStatus(e.status());
        };
    }

    private static String byStatus(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
