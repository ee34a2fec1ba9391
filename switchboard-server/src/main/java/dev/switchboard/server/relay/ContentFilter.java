package dev.switchboard.server.relay;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import java.nio.charset.StandardCharsets;

/** Recognises an answer the provider cut short with a content-filter refusal (OpenAI's canonical finish reason). */
final class ContentFilter {
    private static final java.util.regex.Pattern FINISH =
            java.util.regex.Pattern.compile("\"finish_reason\"\\s*:\\s*\"content_filter\"");
    private static final byte[] MARK = "\"content_filter\"".getBytes(StandardCharsets.US_ASCII);

    private ContentFilter() {}

    /** True when the canonical answer's finish reason is {@code content_filter}; a byte search, no parse. */
    static boolean refused(byte[] canonicalAnswer) {
        outer:
        for (int i = 0; i + MARK.length <= canonicalAnswer.length; i++) {
            for (int j = 0; j < MARK.length; j++) {
                if (canonicalAnswer[i + j] != MARK[j]) {
                    continue outer;
                }
            }
            return FINISH.matcher(new String(canonicalAnswer, StandardCharsets.UTF_8)).find();
        }
        return false;
    }

    static GatewayException refusal(String provider) {
        return new GatewayException(ErrorKind.UPSTREAM_CLIENT_ERROR, 400,
                "Provider '" + provider + "' refused the request (content_filter).", null, null);
    }
}
