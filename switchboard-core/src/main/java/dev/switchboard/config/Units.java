package dev.switchboard.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations ({@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}) and sizes ({@code 512KiB}, {@code 32MiB}, {@code 1MB}). */
final class Units {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?", Pattern.CASE_INSENSITIVE);

    private Units() {}

    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    static long size(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase();
        return switch (unit) {
            case "KB" -> n * 1000;
            case "KIB" -> n * 1024;
            case "MB" -> n * 1000_000;
            case "MIB" -> n * 1024 * 1024;
            case "GB" -> n * 1000_000_000;
            case "GIB" -> n * 1024L * 1024 * 1024;
            default -> n;
        };
    }
}
