package dev.switchboard.cache.semantic;

import java.lang.Character.UnicodeScript;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;

/**
 * The language a text is written in, roughly: the same question in French and in English wants an answer in the
 * caller's language, yet the bundled model embeds "What is the capital of France?" and "Quelle est la capitale de la
 * France ?" at 0.77. A text is in another Latin-script language (French, Spanish, German, Italian, Portuguese, Dutch) when
 * its words include that language's stop words that are not English words ("est", "ist", "una" …; Lucene's stop
 * lists), more than of any other language; a text mostly in another script
 * (Cyrillic, Han, Arabic …) is in that script. Everything else counts as English, the bundled model's language. Texts
 * are compared by meaning only within one language.
 */
public final class LanguageGuard {
    private static final Pattern WORD = Pattern.compile("\\p{L}+");
    private static final Map<String, CharArraySet> STOP_WORDS = stopWords();
    /**
     * English words that other languages list as stop words ("die", "also", "come", "per" …): never evidence of
     * another language. Articles such as "la", "de", "der" are: an English text holds them only in names, which a
     * paraphrase keeps.
     */
    private static final Set<String> ENGLISH = Set.copyOf(java.util.List.of("a", "an", "and", "are", "as", "at",
            "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of", "on", "or", "such", "that",
            "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with", "die", "also", "am",
            "so", "me", "he", "we", "my", "do", "can", "man", "over", "under", "our", "us", "hat", "war", "had", "has",
            "have", "i", "you", "what", "how", "who", "when", "where", "why", "which", "all", "one", "some", "more",
            "most", "other", "only", "own", "same", "than", "too", "very", "just", "now", "after", "before", "here",
            "off", "out", "up", "down", "again", "once", "each", "few", "both", "any", "nor", "from", "about",
            "against", "between", "through", "during", "above", "below", "until", "while", "con", "per", "via",
            "come", "dog", "end", "var", "top", "far", "hem", "men", "ser", "sea", "mine", "son", "sin", "don",
            "ever", "even", "over", "want", "will", "wear", "fest", "alle", "dies", "mit", "bin", "her", "his",
            "him", "its", "ours", "same", "since", "sure", "vie", "mi", "tu", "te", "non", "nos", "para", "sur"));

    private LanguageGuard() {}

    /** The text's language ("fr", "de" …) or script ("cyrillic", "han" …); empty for English. */
    public static String signature(String text) {
        Map<UnicodeScript, Integer> scripts = new EnumMap<>(UnicodeScript.class);
        int letters = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isLetter(c)) {
                letters++;
                scripts.merge(UnicodeScript.of(c), 1, Integer::sum);
            }
        }
        for (Map.Entry<UnicodeScript, Integer> e : scripts.entrySet()) {
            if (e.getKey() != UnicodeScript.LATIN && e.getValue() * 2 > letters) {
                return e.getKey().name().toLowerCase(Locale.ROOT);
            }
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        Set<String> seen = new java.util.HashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String w = m.group();
            if (w.length() < 2 || ENGLISH.contains(w) || EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.contains(w)
                    || !seen.add(w)) {
                continue;
            }
            STOP_WORDS.forEach((lang, set) -> {
                if (set.contains(w)) {
                    counts.merge(lang, 1, Integer::sum);
                }
            });
        }
        String best = "";
        int most = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() > most) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        return best;
    }

    private static Map<String, CharArraySet> stopWords() {
        Map<String, CharArraySet> map = new LinkedHashMap<>();
        map.put("fr", FrenchAnalyzer.getDefaultStopSet());
        map.put("es", SpanishAnalyzer.getDefaultStopSet());
        map.put("de", GermanAnalyzer.getDefaultStopSet());
        map.put("it", ItalianAnalyzer.getDefaultStopSet());
        map.put("pt", PortugueseAnalyzer.getDefaultStopSet());
        map.put("nl", DutchAnalyzer.getDefaultStopSet());
        // in this order: a tie goes to the first, the same on every instance and after every restart (Map.copyOf's
        // order changes from one JVM to the next, and so did the partition of a tied text)
        return java.util.Collections.unmodifiableMap(map);
    }
}
