package dev.switchboard.cache.semantic;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The task a request asks for, when it names one: summarize, translate, rewrite, fix, analyze, test, compare,
 * review, give examples; and the form of a piece of writing (poem, haiku, essay, email, joke …). "Explain this list
 * comprehension: …" and "Rewrite this list comprehension as a loop: …" share every other word and embed at 0.87;
 * "Can you summarize the plot of Hamlet?" and "…analyze the main themes of Hamlet?" at 0.87. Texts are compared by
 * meaning only when they name the same tasks and forms. Spellings of one task count as one ("summarise", "summary",
 * "tl;dr"). A paraphrase that names the task in other words ("what happens in Hamlet") costs a miss, never a wrong
 * answer.
 */
public final class IntentGuard {
    private static final Pattern WORD = Pattern.compile("\\p{L}+");
    private static final Map<String, String> TASKS = tasks();

    private IntentGuard() {}

    /** The tasks and forms {@code text} names, normalised, sorted, space-separated; empty when none. */
    public static String signature(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT).replace("tl;dr", "tldr"));
        while (m.find()) {
            String task = TASKS.get(m.group());
            if (task != null) {
                found.add(task);
            }
        }
        return String.join(" ", found);
    }

    private static Map<String, String> tasks() {
        Map<String, String> map = new java.util.HashMap<>();
        put(map, "summarize", "summarize", "summarise", "summarizing", "summarising", "summary", "summaries",
                "tldr", "recap");
        put(map, "translate", "translate", "translating", "translation", "translations");
        put(map, "rewrite", "rewrite", "rewriting", "rephrase", "rephrasing", "paraphrase", "reword", "restate");
        put(map, "fix", "fix", "fixing", "proofread", "proofreading", "correct", "corrections", "debug",
                "debugging");
        put(map, "analyze", "analyze", "analyse", "analyzing", "analysing", "analysis");
        put(map, "test", "test", "tests", "testing");
        put(map, "compare", "compare", "comparing", "comparison", "vs", "versus", "difference", "differences");
        put(map, "review", "review", "critique", "feedback");
        put(map, "example", "example", "examples");
        for (String form : new String[] {"poem", "haiku", "limerick", "sonnet", "story", "essay", "joke", "song",
                "speech", "tweet", "email", "letter", "slogan", "quiz"}) {
            put(map, form, form, form + "s");
        }
        return Map.copyOf(map);
    }

    private static void put(Map<String, String> map, String task, String... spellings) {
        for (String s : spellings) {
            map.put(s, task);
        }
    }
}
