package dev.switchboard.cache.semantic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tartarus.snowball.ext.EnglishStemmer;

/**
 * Two texts that say the same thing except for one swapped detail are a minimal pair: "…pivot table in Excel?" /
 * "…in Google Sheets?" (0.97 with the bundled model), "sort a dictionary by value" / "…by key" (0.93), "a vegetarian
 * recipe" / "a vegan recipe" (0.89). Their embeddings are close because nearly every word is shared, yet the swapped
 * word is what the question is about. A paraphrase rarely keeps every content word but one: it rewords in several
 * places.
 *
 * <p>{@link #swap} finds such a pair: align the two texts' words (longest common subsequence of lower-case English
 * stems); the places where they differ are hunks. Hunks made only of function words ("do"/"can", "please", "the")
 * don't count. The texts are a minimal pair when exactly one hunk remains, it swaps content words on both sides (an
 * insertion or deletion alone is not a swap), each side holds at most {@value #MAX_SWAP} content words, and the texts
 * share at least {@value #MIN_SHARED} content word. What the cache makes of a swap is its own rule
 * ({@link SemanticCache#matches}): a swapped name never matches, another swap only at a much higher similarity.
 *
 * <p>A long text (a pasted function or article and a question about it) is aligned too: their common beginning and
 * end are set aside first, so one swapped word in a long text is found in linear time; only when the differing middle
 * is longer than {@value #MAX_WORDS} words on either side are the texts not aligned, and then they are
 * {@link #UNALIGNED}, never one question (such texts differ in more than a rewording).
 */
public final class ContrastGuard {
    /** The most words on either side of the one swap: "Excel" / "Google Sheets", "bullet points" / "one paragraph". */
    static final int MAX_SWAP = 3;
    /** Content words both texts keep: with fewer, the texts are too short to call one word "the detail". */
    static final int MIN_SHARED = 1;
    /**
     * The longest differing middle (after the common beginning and end) that is aligned: the work grows with the
     * product of both sides' lengths.
     */
    static final int MAX_WORDS = 128;

    /**
     * The verdict on texts whose differing middle is too long to align: treated as a swap of names, which never
     * matches. Before, such texts got no verdict at all, so a long text with one swapped name was answered with the
     * other's answer.
     */
    public static final Swap UNALIGNED = new Swap("", "", true);

    /**
     * Shared content words per differing one at which a replacement is drowned out: a long text (pasted code, an
     * article) and a short request about it ("add type hints" / "add docstrings") embed at 0.999, since the vector is
     * the mean of all words; the score says nothing about the request.
     */
    static final int DILUTION = 8;

    /**
     * The verdict on texts whose shared words drown out what differs ({@link #DILUTION}): never one question, like a
     * swapped name. A short question reworded keeps few words in common per changed one and is not concerned.
     */
    public static final Swap DILUTED = new Swap("", "", true);

    /**
     * Words that frame a question or request rather than carry its subject: asking, politeness, pronouns,
     * articles, auxiliaries, common prepositions. Swapping them ("How do I" / "How can I") keeps the question.
     */
    private static final Set<String> FUNCTION = Set.of(
            "a", "an", "the", "this", "that", "these", "those", "some", "any",
            "i", "me", "my", "mine", "we", "us", "our", "you", "your", "it", "its", "they", "them", "their", "one",
            "is", "are", "was", "were", "be", "been", "being", "am", "s", "re", "ve", "ll", "d", "m",
            "do", "does", "did", "done", "doing", "can", "could", "would", "will", "should", "shall", "may", "might",
            "must", "have", "has", "had", "get", "got", "go",
            "what", "whats", "which", "who", "whom", "whose", "where", "when", "why", "how", "whether",
            "please", "pls", "kindly", "thanks", "thank", "hi", "hello", "hey",
            "tell", "explain", "show", "give", "describe", "help", "want", "need", "like", "know", "let", "make",
            "to", "of", "in", "on", "at", "for", "from", "by", "with", "about", "into", "onto", "as", "than",
            "and", "or", "but", "if", "so", "then", "also", "just", "really", "very", "quite", "there", "here",
            "way", "ways", "best", "good", "possible", "exactly", "actually", "simply", "briefly", "quickly",
            "mean", "means", "meaning", "definition", "define", "work", "works", "working",
            "kind", "sort", "type", "thing", "things", "something", "stuff", "idea");

    /** A word (letters and digits) or a sentence end. */
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+|[.?!:;](?=\\s|$)|\n");

    private ContrastGuard() {}

    /**
     * The one swapped detail of two texts, as the (stemmed) words of each side.
     *
     * @param named whether either side holds a name: a word written with a capital inside a sentence ("Excel",
     *              "Ubuntu", "SQL")
     */
    public record Swap(String a, String b, boolean named) {}

    /** A word of a text: its stem, and whether it was written as a name. */
    record Word(String stem, boolean named) {}

    /**
     * The swap that makes {@code a} and {@code b} a minimal pair, {@link #UNALIGNED} when they differ in too long a
     * stretch to align, or null when they are not a minimal pair.
     */
    public static Swap swap(String a, String b) {
        List<Word> allA = words(a);
        List<Word> allB = words(b);
        // the common beginning and end are shared words; only the middle between them needs aligning
        int head = 0;
        while (head < allA.size() && head < allB.size() && same(allA.get(head), allB.get(head))) {
            head++;
        }
        int tail = 0;
        while (tail < allA.size() - head && tail < allB.size() - head
                && same(allA.get(allA.size() - 1 - tail), allB.get(allB.size() - 1 - tail))) {
            tail++;
        }
        List<Word> wa = allA.subList(head, allA.size() - tail);
        List<Word> wb = allB.subList(head, allB.size() - tail);
        if (wa.size() > MAX_WORDS || wb.size() > MAX_WORDS) {
            return UNALIGNED;
        }
        int shared = 0;
        for (int k = 0; k < head; k++) {
            shared += content(allA.get(k)) ? 1 : 0;
        }
        for (int k = allA.size() - tail; k < allA.size(); k++) {
            shared += content(allA.get(k)) ? 1 : 0;
        }
        Swap found = null;
        int[][] lcs = lcs(wa, wb);
        int i = 0, j = 0, contentHunks = 0, onlyA = 0, onlyB = 0;
        List<Word> hunkA = new ArrayList<>();
        List<Word> hunkB = new ArrayList<>();
        while (i < wa.size() || j < wb.size()) {
            if (i < wa.size() && j < wb.size() && same(wa.get(i), wb.get(j))) {
                if (content(wa.get(i))) {
                    shared++;
                }
                found = hunk(hunkA, hunkB) == 2 ? swapOf(hunkA, hunkB) : found;
                contentHunks += close(hunkA, hunkB);
                i++;
                j++;
            } else if (j >= wb.size() || (i < wa.size() && lcs[i + 1][j] >= lcs[i][j + 1])) {
                onlyA += content(wa.get(i)) ? 1 : 0;
                hunkA.add(wa.get(i++));
            } else {
                onlyB += content(wb.get(j)) ? 1 : 0;
                hunkB.add(wb.get(j++));
            }
        }
        found = hunk(hunkA, hunkB) == 2 ? swapOf(hunkA, hunkB) : found;
        contentHunks += close(hunkA, hunkB);
        if (onlyA > 0 && onlyB > 0 && shared >= DILUTION * Math.max(onlyA, onlyB)) {
            return DILUTED; // something was replaced, not just added, and the rest drowns it out
        }
        return contentHunks == 1 && found != null && shared >= MIN_SHARED ? found : null;
    }

    private static boolean content(Word w) {
        return w.named() || !FUNCTION.contains(w.stem());
    }

    private static boolean same(Word a, Word b) {
        return a.stem().equals(b.stem());
    }

    private static Swap swapOf(List<Word> a, List<Word> b) {
        boolean named = a.stream().anyMatch(Word::named) || b.stream().anyMatch(Word::named);
        return new Swap(join(a), join(b), named);
    }

    private static String join(List<Word> words) {
        StringBuilder out = new StringBuilder();
        for (Word w : words) {
            out.append(out.isEmpty() ? "" : " ").append(w.stem());
        }
        return out.toString();
    }

    /** What an open hunk is: 0 none or function words only, 1 content words, 2 a small swap of content words. */
    private static int hunk(List<Word> a, List<Word> b) {
        long contentA = a.stream().filter(ContrastGuard::content).count();
        long contentB = b.stream().filter(ContrastGuard::content).count();
        if (contentA + contentB == 0) {
            return 0;
        }
        return contentA > 0 && contentB > 0 && contentA <= MAX_SWAP && contentB <= MAX_SWAP ? 2 : 1;
    }

    /** Closes the open hunk: 1 when it held content words; clears it. */
    private static int close(List<Word> a, List<Word> b) {
        int content = hunk(a, b) > 0 ? 1 : 0;
        a.clear();
        b.clear();
        return content;
    }

    /** lcs[i][j]: the longest common subsequence of a[i..] and b[j..]. */
    private static int[][] lcs(List<Word> a, List<Word> b) {
        int[][] t = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                t[i][j] = same(a.get(i), b.get(j)) ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
            }
        }
        return t;
    }

    /**
     * The text's words, lower case, each stemmed ("causes", "caused" and "cause" are one word); a word with a capital
     * that does not open a sentence (and is not "I") is a name.
     */
    static List<Word> words(String text) {
        List<Word> out = new ArrayList<>();
        EnglishStemmer stemmer = new EnglishStemmer();
        Matcher m = TOKEN.matcher(text.replace('\u2019', '\''));
        boolean sentenceStart = true;
        while (m.find()) {
            String token = m.group();
            if (token.length() == 1 && !Character.isLetterOrDigit(token.charAt(0))) {
                sentenceStart = true;
                continue;
            }
            String lower = token.toLowerCase(Locale.ROOT);
            boolean named = !sentenceStart && !token.equals("I") && !token.equals(lower);
            sentenceStart = false;
            // a name is never a function word: "Good Friday" / "Black Friday"
            out.add(new Word(!named && FUNCTION.contains(lower) ? lower : stem(stemmer, lower), named));
        }
        return out;
    }

    private static String stem(EnglishStemmer stemmer, String word) {
        stemmer.setCurrent(word);
        stemmer.stem();
        return stemmer.getCurrent();
    }
}
