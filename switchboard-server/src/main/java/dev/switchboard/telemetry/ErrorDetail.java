package dev.switchboard.telemetry;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Error texts for telemetry readers. Breaker reasons and last errors carry upstream messages and exception texts
 * (an upstream's words, host names, parts of a prompt an upstream echoed): {@link #scrub} keeps only their class
 * and HTTP status for readers without the telemetry token; {@link #cap} bounds them for the others.
 */
public final class ErrorDetail {
    static final int MAX = 512;
    private static final int MAX_SCRUBBED = 160;
    private static final Pattern HTTP_STATUS = Pattern.compile("HTTP \\d{3}");
    /** A class word such as upstream_timeout or unreachable, alone or followed by more detail. */
    private static final Pattern CLASS_WORD = Pattern.compile("[a-z_]+(: |$)");

    private ErrorDetail() {}

    public static String cap(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX ? text : text.substring(0, MAX) + "…";
    }

    /**
     * The text up to its HTTP status ("server_error: Provider 'p' returned HTTP 503"), else up to the first
     * ": " that is not followed by a class word ("5 consecutive failures, last: upstream_timeout" stays whole,
     * "unreachable: Connection refused: host/10.0.0.1:443" becomes "unreachable").
     */
    public static String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        Matcher status = HTTP_STATUS.matcher(text);
        String kept;
        if (status.find()) {
            kept = text.substring(0, status.end());
        } else {
            kept = text;
            for (int at = text.indexOf(": "); at >= 0; at = text.indexOf(": ", at + 2)) {
                Matcher word = CLASS_WORD.matcher(text).region(at + 2, text.length());
                if (!word.lookingAt()) {
                    kept = text.substring(0, at);
                    break;
                }
            }
        }
        kept = kept.length() <= MAX_SCRUBBED ? kept : kept.substring(0, MAX_SCRUBBED) + "…";
        return kept.replaceAll("[\\p{Cntrl}]", " ");
    }
}
