package dev.switchboard.routing;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads a {@code Retry-After} value: delay-seconds (fractions allowed, as some providers send) or an HTTP date. */
public final class RetryAfter {
    private RetryAfter() {}

    /** Milliseconds to wait, or -1 when absent or unreadable. */
    public static long millis(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.trim();
        try {
            double seconds = Double.parseDouble(v);
            return seconds < 0 || Double.isNaN(seconds) ? -1 : (long) Math.ceil(seconds * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Math.max(0, at - System.currentTimeMillis());
            } catch (DateTimeParseException notDate) {
                return -1;
            }
        }
    }
}
