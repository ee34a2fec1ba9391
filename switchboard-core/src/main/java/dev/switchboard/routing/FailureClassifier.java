package dev.switchboard.routing;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sorts a failed attempt into a {@link FailureClass}. Context-length and content-filter refusals arrive as
 * ordinary 400s, so the provider's error body is searched for the phrases each vendor uses.
 */
public final class FailureClassifier {
    private static final String[] CONTEXT_LENGTH = {
        "context_length_exceeded", "maximum context length", "context window", "prompt is too long",
        "too many tokens", "exceeds the maximum number of tokens", "input is too long", "string_above_max_length",
        "reduce the length",
    };
    private static final String[] CONTENT_FILTER = {
        "content_filter", "content_policy_violation", "content management policy", "responsible ai",
        "safety settings", "blocked by", "content filtering",
    };

    private FailureClassifier() {}

    public static FailureClass classify(GatewayException e, byte[] upstreamBody) {
        ErrorKind kind = e.kind();
        switch (kind) {
            case UPSTREAM_UNREACHABLE:
                return FailureClass.CONNECT;
            case UPSTREAM_TIMEOUT:
                return FailureClass.TIMEOUT;
            case UPSTREAM_RATE_LIMITED:
                return FailureClass.RATE_LIMITED;
            case UPSTREAM_SERVER_ERROR, UPSTREAM_OVERLOADED, UPSTREAM_STREAM_BROKEN:
                return FailureClass.SERVER_ERROR;
            default:
                break;
        }
        if (e.status() >= 400 && e.status() < 500) {
            String text = text(e, upstreamBody);
            if (containsAny(text, CONTEXT_LENGTH)) {
                return FailureClass.CONTEXT_LENGTH;
            }
            if (containsAny(text, CONTENT_FILTER)) {
                return FailureClass.CONTENT_FILTER;
            }
        }
        return e.status() >= 500 ? FailureClass.SERVER_ERROR : FailureClass.CLIENT_ERROR;
    }

    private static String text(GatewayException e, byte[] body) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        String raw = body == null ? "" : new String(body, 0, Math.min(body.length, 8192), StandardCharsets.UTF_8);
        return (msg + " " + raw).toLowerCase(Locale.ROOT);
    }

    private static boolean containsAny(String text, String[] needles) {
        for (String n : needles) {
            if (text.contains(n)) {
                return true;
            }
        }
        return false;
    }
}
