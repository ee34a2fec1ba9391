package dev.switchboard.cache.semantic;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The calendar words a text mentions, in order: months, weekdays, seasons and relative days ("today", "tomorrow",
 * "weekend"). "9 May 2021" and "9 June 2021" embed at 0.99, and the number guard sees the same numbers in both;
 * texts are compared by meaning only when their calendar words are the same. "May" counts only beside a number
 * ("9 May", "May 9"): otherwise it is mostly the verb.
 */
public final class CalendarGuard {
    private static final Pattern WORD = Pattern.compile("\\p{L}+");
    private static final Pattern MAY = Pattern.compile("\\d\\s+May\\b|\\bMay\\s+\\d");
    private static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("january", "jan"), Map.entry("february", "feb"), Map.entry("march", "mar"),
            Map.entry("april", "apr"), Map.entry("june", "jun"), Map.entry("july", "jul"),
            Map.entry("august", "aug"), Map.entry("september", "sep"), Map.entry("october", "oct"),
            Map.entry("november", "nov"), Map.entry("december", "dec"), Map.entry("monday", "mon"),
            Map.entry("tuesday", "tue"), Map.entry("wednesday", "wed"), Map.entry("thursday", "thu"),
            Map.entry("friday", "fri"), Map.entry("saturday", "sat"), Map.entry("sunday", "sun"),
            Map.entry("spring", "spring"), Map.entry("summer", "summer"), Map.entry("autumn", "autumn"),
            Map.entry("fall", "autumn"), Map.entry("winter", "winter"), Map.entry("today", "today"),
            Map.entry("tonight", "today"), Map.entry("tomorrow", "tomorrow"), Map.entry("yesterday", "yesterday"),
            Map.entry("weekend", "weekend"));

    private CalendarGuard() {}

    /** The calendar words of {@code text}, normalised, space-separated, in order; empty when none. */
    public static String signature(String text) {
        StringBuilder out = new StringBuilder();
        if (MAY.matcher(text).find()) {
            out.append("may");
        }
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String w = WORDS.get(m.group());
            if (w != null) {
                if (!out.isEmpty()) {
                    out.append(' ');
                }
                out.append(w);
            }
        }
        return out.toString();
    }
}
