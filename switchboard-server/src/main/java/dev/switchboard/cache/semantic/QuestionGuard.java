package dev.switchboard.cache.semantic;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The question word a text asks with first: who, when, where, why, how. "When did Napoleon die?" and "How did Napoleon
 * die?" embed at 0.93, "When was the Declaration of Independence signed?" and "Where …" at 0.96, "Why is the sky
 * blue?" and "How is the sky blue?" at 0.91: every other word is shared, and the question word is what is asked.
 * Two texts that both ask with such a word, but not the same one, are not the same question. Only the first counts:
 * a later one is mostly a conjunction ("How do I fix … when running a script?"). A text without one ("What's the best
 * way to …", "Explain …") is left to the other rules: a paraphrase often drops the question word, it rarely swaps it
 * for another. "What" and "which" frame most questions and are not counted.
 */
public final class QuestionGuard {
    private static final Pattern WORD = Pattern.compile("\\p{L}+");
    private static final Set<String> ASKING = Set.of("who", "whom", "whose", "when", "where", "why", "how");

    private QuestionGuard() {}

    /** False when both texts ask with a question word and not the same one. */
    public static boolean compatible(String a, String b) {
        String qa = asked(a);
        String qb = asked(b);
        return qa == null || qb == null || qa.equals(qb);
    }

    /** The first question word of {@code text}, or null. */
    private static String asked(String text) {
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            String w = m.group().toLowerCase(Locale.ROOT);
            if (ASKING.contains(w)) {
                return w.startsWith("who") ? "who" : w;
            }
        }
        return null;
    }
}
