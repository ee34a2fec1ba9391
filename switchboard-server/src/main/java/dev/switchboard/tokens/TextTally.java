package dev.switchboard.tokens;

import com.knuddels.jtokkit.api.Encoding;

/**
 * Counts the texts of one request with a bound on the tokeniser's work. jtokkit's cost grows with the length of
 * a piece its pre-tokeniser cannot split (a run of one letter: ~0.2 µs a character up to 16 K, then superlinear,
 * and 8 MiB can exhaust the heap), so long texts are fed to it in chunks of at most {@link #CHUNK} characters, cut
 * at whitespace where there is some (whitespace starts the next word, so the count is unchanged; a hard cut adds at
 * most a token). At most {@code exactChars} characters per request are tokenised; the rest is charged
 * {@link #BEYOND_PER_FIVE_BYTES} tokens per five UTF-8 bytes, above the highest ratio measured for cl100k and o200k
 * (random printable ASCII 0.76, random CJK 0.78 tokens a byte; English is ~0.25), so the estimate errs high.
 * Not thread-safe: one per estimate.
 */
final class TextTally {
    static final int CHUNK = 4096;
    static final int BEYOND_PER_FIVE_BYTES = 4;

    private final Encoding encoding;
    private long exactLeft;

    TextTally(Encoding encoding, long exactChars) {
        this.encoding = encoding;
        this.exactLeft = encoding == null ? 0 : exactChars;
    }

    long count(String text) {
        int length = text.length();
        if (length <= exactLeft && length <= CHUNK) {
            exactLeft -= length;
            return length == 0 ? 0 : encoding.countTokensOrdinary(text);
        }
        return count(text.toCharArray(), 0, length, null);
    }

    /** Tokens of {@code chars[from, to)}; {@code whole} is the same text as a String when the caller has one. */
    long count(char[] chars, int from, int to, String whole) {
        int length = to - from;
        if (length <= 0) {
            return 0;
        }
        if (length <= exactLeft && length <= CHUNK) {
            exactLeft -= length;
            return encoding.countTokensOrdinary(whole != null ? whole : new String(chars, from, length));
        }
        long tokens = 0;
        int at = from;
        while (at < to && exactLeft > 0) {
            int end = cut(chars, at, (int) Math.min(to, at + Math.min(CHUNK, exactLeft)), to);
            exactLeft -= end - at;
            tokens += encoding.countTokensOrdinary(new String(chars, at, end - at));
            at = end;
        }
        return tokens + beyond(chars, at, to);
    }

    /** Where to end a chunk starting at {@code from} that may reach {@code limit}: before whitespace if any, never inside a surrogate pair. */
    private static int cut(char[] chars, int from, int limit, int to) {
        if (limit >= to) {
            return to;
        }
        for (int i = limit; i > from + (limit - from) / 2; i--) {
            if (Character.isWhitespace(chars[i])) {
                return i;
            }
        }
        return Character.isHighSurrogate(chars[limit - 1]) && limit - 1 > from ? limit - 1 : limit;
    }

    /** The conservative charge for text not tokenised: 4 tokens per 5 UTF-8 bytes, rounded up. */
    static long beyond(char[] chars, int from, int to) {
        long bytes = 0;
        for (int i = from; i < to; i++) {
            char c = chars[i];
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return (bytes * BEYOND_PER_FIVE_BYTES + 4) / 5;
    }
}
