package dev.switchboard.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations ({@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}) and sizes ({@code 512KiB}, {@code 32MiB}, {@code 1MB}). */
public final class Units {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?", Pattern.CASE_INSENSITIVE);

    private Units() {}

    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        try {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            d.toNanos(); // the deadlines are computed in nanoseconds: refuse what cannot be expressed in them
            return d;
        } catch (ArithmeticException | NumberFormatException e) {
            return null; // too large
        }
    }

    public static long size(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return -1;
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase();
        long factor = switch (unit) {
            case "KB" -> 1000;
            case "KIB" -> 1024;
            case "MB" -> 1000_000;
            case "MIB" -> 1024 * 1024;
            case "GB" -> 1000_000_000;
            case "GIB" -> 1024L * 1024 * 1024;
            default -> 1;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), factor);
        } catch (ArithmeticException | NumberFormatException e) {
            return -1; // too large
        }
    }
}
