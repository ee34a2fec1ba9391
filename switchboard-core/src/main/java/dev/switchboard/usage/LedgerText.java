package dev.switchboard.usage;

/**
 * Makes client-influenced text safe to store: control characters (NUL above all, which PostgreSQL refuses in
 * text) become escapes (backslash, u, four hex digits), unpaired surrogates become U+FFFD, and the result is cut to
 * {@link #MAX_CHARS} characters. Text that needs none of this is returned as is, without allocating.
 */
public final class LedgerText {
    /** The longest text kept in a usage column. */
    public static final int MAX_CHARS = 256;

    private LedgerText() {}

    public static String clean(String s) {
        if (s == null) {
            return null;
        }
        int n = s.length();
        if (n <= MAX_CHARS && isClean(s)) {
            return s;
        }
        StringBuilder sb = new StringBuilder(Math.min(n, MAX_CHARS) + 16);
        for (int i = 0; i < n && sb.length() < MAX_CHARS; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                if (sb.length() + 2 > MAX_CHARS) {
                    break;
                }
                sb.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                sb.append('\uFFFD');
            } else if (Character.isISOControl(c)) {
                String hex = Integer.toHexString(c);
                if (sb.length() + 6 > MAX_CHARS) {
                    break;
                }
                sb.append("\\u").append("0000", hex.length(), 4).append(hex);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isClean(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                return false;
            }
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }
}
