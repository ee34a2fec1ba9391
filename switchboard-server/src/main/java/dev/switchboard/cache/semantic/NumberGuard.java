package dev.switchboard.cache.semantic;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbers a text mentions, in order, as one string: two texts are compared by meaning only when their numbers
 * are the same. An embedding hardly tells "what is 2+2" from "what is 2+3" (or 5 km from 6 km, 2023 from 2024), yet
 * the answers differ; this cheap rule removes that whole class of false hits. Digits and the common number words
 * count ("two" and "2" are one number); thousands separators are dropped ("1,000" is 1000). "one" is left out: it is
 * mostly a pronoun ("which one").
 */
public final class NumberGuard {
    private static final Pattern NUMBER = Pattern.compile(
            "\\d+(?:[.,]\\d+)*|\\b(?i:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
                    + "|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty"
                    + "|ninety|hundred|thousand|million|billion|zero)\\b"
                    + "|\\b(?:II|III|IV|VI|VII|VIII|IX|XI|XII|XIII|XIV|XV|XVI|XX)\\b");
    private static final Pattern THOUSANDS = Pattern.compile("^\\d{1,3}(,\\d{3})+(\\.\\d+)?$");
    private static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("zero", "0"), Map.entry("two", "2"), Map.entry("three", "3"), Map.entry("four", "4"),
            Map.entry("five", "5"), Map.entry("six", "6"), Map.entry("seven", "7"), Map.entry("eight", "8"),
            Map.entry("nine", "9"), Map.entry("ten", "10"), Map.entry("eleven", "11"), Map.entry("twelve", "12"),
            Map.entry("thirteen", "13"), Map.entry("fourteen", "14"), Map.entry("fifteen", "15"),
            Map.entry("sixteen", "16"), Map.entry("seventeen", "17"), Map.entry("eighteen", "18"),
            Map.entry("nineteen", "19"), Map.entry("twenty", "20"), Map.entry("thirty", "30"),
            Map.entry("forty", "40"), Map.entry("fifty", "50"), Map.entry("sixty", "60"), Map.entry("seventy", "70"),
            Map.entry("eighty", "80"), Map.entry("ninety", "90"), Map.entry("hundred", "100"),
            Map.entry("thousand", "1000"), Map.entry("million", "1000000"), Map.entry("billion", "1000000000"),
            // Roman numerals of two or more letters, upper case only ("World War II", "Henry VIII"); "I", "V" and
            // "X" alone are mostly a pronoun or a letter
            Map.entry("ii", "2"), Map.entry("iii", "3"), Map.entry("iv", "4"), Map.entry("vi", "6"),
            Map.entry("vii", "7"), Map.entry("viii", "8"), Map.entry("ix", "9"), Map.entry("xi", "11"),
            Map.entry("xii", "12"), Map.entry("xiii", "13"), Map.entry("xiv", "14"), Map.entry("xv", "15"),
            Map.entry("xvi", "16"), Map.entry("xx", "20"));

    private NumberGuard() {}

    /** The numbers in {@code text}, normalised, space-separated, in order; empty when it has none. */
    public static String signature(String text) {
        StringBuilder out = new StringBuilder();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(normalize(m.group()));
        }
        return out.toString();
    }

    private static String normalize(String number) {
        String word = WORDS.get(number.toLowerCase(Locale.ROOT));
        if (word != null) {
            return word;
        }
        String n = THOUSANDS.matcher(number).matches() ? number.replace(",", "") : number;
        return n.replace(',', '.'); // a decimal comma ("2,5") is the decimal point
    }
}
