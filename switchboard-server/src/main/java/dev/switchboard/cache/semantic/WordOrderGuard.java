package dev.switchboard.cache.semantic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Two texts with the same words in another order ("Convert JSON to YAML" / "Convert YAML to JSON", "10 miles to
 * kilometers" / "10 kilometers to miles") embed almost alike (0.99) yet ask the opposite. When the words are the
 * same and their order differs, the texts are not the same question; a paraphrase that only reorders is rare.
 */
public final class WordOrderGuard {
    private WordOrderGuard() {}

    /** False when {@code a} and {@code b} hold the same words in a different order. */
    public static boolean compatible(String a, String b) {
        List<String> wa = words(a);
        List<String> wb = words(b);
        if (wa.equals(wb)) {
            return true;
        }
        String[] sa = wa.toArray(String[]::new);
        String[] sb = wb.toArray(String[]::new);
        Arrays.sort(sa);
        Arrays.sort(sb);
        return !Arrays.equals(sa, sb);
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }
}
