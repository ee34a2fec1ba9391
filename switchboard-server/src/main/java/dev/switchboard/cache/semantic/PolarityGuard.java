package dev.switchboard.cache.semantic;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words that flip or steer a request's meaning while barely moving its embedding: negations ("not", "never",
 * "without", "-n't") and the marked side of common opposites ("disable", "decrease", "descending", "bad", "after",
 * "shorter", "sad"). Two texts are compared by meaning only when they hold the same set of them: the bundled model
 * scores "Is coffee good for your health?" and "Is coffee not good for your health?" at 0.96. The list is short
 * and generic on purpose: a word on it that a paraphrase drops costs a miss, never a wrong answer.
 */
public final class PolarityGuard {
    private static final Pattern WORD = Pattern.compile("[\\p{L}']+");
    private static final Set<String> NEGATIONS = Set.of("not", "no", "never", "none", "nothing", "nobody", "nowhere",
            "neither", "nor", "without", "cannot", "non", "avoid", "instead");
    private static final Set<String> MARKED = Set.of(
            "bad", "worse", "worst", "dangerous", "unhealthy", "wrong", "false",
            "disadvantages", "risks",
            "increase", "decrease", "more", "less", "fewer",
            "enable", "disable", "off", "add", "remove", "install", "uninstall",
            "ascending", "descending", "encrypt", "decrypt", "zip", "unzip", "compress", "decompress",
            "import", "export", "upload", "download", "buy", "sell", "start", "stop", "open", "close",
            "before", "after", "short", "long", "shorter", "longer", "brief", "detailed",
            "happy", "sad", "even", "odd", "min", "max", "minimum", "maximum", "lose", "gain",
            "formal", "casual", "simple", "difficult", "technical", "beginner", "expert",
            "advanced", "cheap", "expensive", "fast", "slow", "faster", "slower", "hot", "cold", "high", "low",
            "higher", "lower", "positive", "negative", "legal", "illegal", "male", "female", "boy", "girl",
            "men", "women", "first", "last", "yes", "win", "wins", "lost", "loses",
            "hardest", "easiest", "oldest", "newest", "largest", "smallest");

    /** Spellings of one meaning: a paraphrase that swaps "brief" for "short" keeps its signature. */
    private static final Map<String, String> SAME = Map.ofEntries(
            Map.entry("brief", "short"), Map.entry("briefly", "short"), Map.entry("concise", "short"),
            Map.entry("simply", "simple"), Map.entry("easy", "simple"), Map.entry("easily", "simple"),
            Map.entry("basic", "simple"), Map.entry("hard", "difficult"), Map.entry("complex", "difficult"),
            Map.entry("complicated", "difficult"), Map.entry("reduce", "decrease"), Map.entry("lower", "decrease"),
            Map.entry("lessen", "decrease"), Map.entry("raise", "increase"), Map.entry("boost", "increase"),
            Map.entry("biggest", "largest"), Map.entry("tiniest", "smallest"), Map.entry("fewer", "less"),
            Map.entry("delete", "remove"), Map.entry("quick", "fast"), Map.entry("quickly", "fast"),
            Map.entry("informal", "casual"), Map.entry("experts", "expert"), Map.entry("beginners", "beginner"),
            Map.entry("disadvantage", "disadvantages"), Map.entry("downsides", "disadvantages"),
            Map.entry("drawbacks", "disadvantages"), Map.entry("cons", "disadvantages"),
            Map.entry("unsafe", "dangerous"), Map.entry("harmful", "dangerous"));

    private PolarityGuard() {}

    /** The guard words in {@code text}, sorted, space-separated; "-n't" counts as "not". Empty when none. */
    public static String signature(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT).replace('\u2019', '\''));
        while (m.find()) {
            String w = m.group();
            if (w.endsWith("n't")) {
                found.add("not");
            } else if (NEGATIONS.contains(w)) {
                found.add("not");
            } else if (MARKED.contains(w) || SAME.containsKey(w)) {
                found.add(SAME.getOrDefault(w, w));
            }
        }
        return String.join(" ", found);
    }
}
