package dev.switchboard.cache.semantic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 *
 * <p>The operators and signs written beside a number count too, as part of the numbers: "what is 6+3" and "what is
 * 6*3" (or "is -7 prime" and "is 7 prime", ".5" and "5") hold the same numbers yet ask different things, and their
 * other words are the same, so no other rule tells them apart. An operator counts when a number stands right before
 * or after it (spaces between allowed): "plus", "minus", "times", "over", "divided by" and "percent" are the symbols
 * they spell. A hyphen counts only when no letter precedes it ("GPT-4" is a name, "10-20" and "-7" are arithmetic).
 */
public final class NumberGuard {
    private static final Pattern NUMBER = Pattern.compile(
            "(?<![\\d.])\\.\\d+|\\d+(?:[.,]\\d+)*|\\b(?i:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
                    + "|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty"
                    + "|ninety|hundred|thousand|million|billion|zero)\\b"
                    + "|\\b(?:II|III|IV|VI|VII|VIII|IX|XI|XII|XIII|XIV|XV|XVI|XX)\\b");
    /** Arithmetic and comparison, as symbols or the words that spell them. */
    private static final Pattern OPERATOR = Pattern.compile(
            "[+*/^%=<>\u00b1\u00d7\u00f7\u2212\u00b7\u2264\u2265\u2260]|(?<!\\p{L})-"
                    + "|\\b(?i:plus|minus|times|over|divided\\s+by|multiplied\\s+by|percent|squared|cubed)\\b");
    private static final Map<String, String> OPERATOR_WORDS = Map.of("plus", "+", "minus", "-", "times", "*",
            "over", "/", "divided by", "/", "multiplied by", "*", "percent", "%", "squared", "^2", "cubed", "^3");
    private static final Pattern GAP = Pattern.compile("\\s*");
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

    /**
     * The numbers in {@code text} and the operators beside them, normalised, space-separated, in order; empty when
     * it has no number.
     */
    public static String signature(String text) {
        List<Token> tokens = new ArrayList<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            tokens.add(new Token(normalize(m.group()), m.start(), m.end(), true));
        }
        if (tokens.isEmpty()) {
            return "";
        }
        Matcher op = OPERATOR.matcher(text);
        while (op.find()) { // never inside a number: numbers hold digits, '.' and ',' only
            String spelled = op.group().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
            tokens.add(new Token(OPERATOR_WORDS.getOrDefault(spelled, op.group()), op.start(), op.end(), false));
        }
        tokens.sort(Comparator.comparingInt(Token::start));
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            boolean keep = t.number()
                    || (k > 0 && tokens.get(k - 1).number() && blank(text, tokens.get(k - 1).end(), t.start()))
                    || (k + 1 < tokens.size() && tokens.get(k + 1).number() && blank(text, t.end(), tokens.get(k + 1).start()));
            if (keep) {
                out.append(out.isEmpty() ? "" : " ").append(t.text());
            }
        }
        return out.toString();
    }

    private record Token(String text, int start, int end, boolean number) {}

    /** Whether only spaces lie between {@code from} and {@code to}. */
    private static boolean blank(String text, int from, int to) {
        return GAP.matcher(text).region(from, to).matches();
    }

    private static String normalize(String number) {
        if (number.startsWith(".")) {
            return "0" + number; // ".5" is 0.5
        }
        String word = WORDS.get(number.toLowerCase(Locale.ROOT));
        if (word != null) {
            return word;
        }
        String n = THOUSANDS.matcher(number).matches() ? number.replace(",", "") : number;
        return n.replace(',', '.'); // a decimal comma ("2,5") is the decimal point
    }
}
