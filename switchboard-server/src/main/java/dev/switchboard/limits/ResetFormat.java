package dev.switchboard.limits;

/** Durations as OpenAI writes them in x-ratelimit-reset-*: {@code 20ms}, {@code 1s}, {@code 6m0s}, {@code 1h2m3s}. */
public final class ResetFormat {
    private ResetFormat() {
    }

    public static String of(long millis) {
        if (millis < 1000) {
            return Math.max(0, millis) + "ms";
        }
        long seconds = (millis + 999) / 1000;
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        if (h > 0) {
            return h + "h" + m + "m" + s + "s";
        }
        return m > 0 ? m + "m" + s + "s" : s + "s";
    }
}
