package dev.switchboard.server.engine;

/**
 * Makes a client-influenced value safe for one field of a log line: control, separator and format characters
 * (CR, LF, NUL, U+2028, bidi overrides...) and spaces become escapes (a backslash, then x and two hex digits, or u
 * and four), a backslash becomes two so escapes stay unambiguous, and the value is cut to a bounded length (marked
 * {@code ...}).
 * A value that needs none of this is returned as is, without allocating.
 */
public final class LogText {
    static final int MAX_CHARS = 256;

    private LogText() {}

    /** {@code -} for null. */
    public static String clean(String s) {
        return clean(s, MAX_CHARS);
    }

    public static String clean(String s, int max) {
        if (s == null) {
            return "-";
        }
        int n = s.length();
        if (n <= max && isPlain(s)) {
            return s;
        }
        StringBuilder sb = new StringBuilder(Math.min(n, max) + 16);
        for (int i = 0; i < n; i++) {
            if (sb.length() >= max) {
                return sb.append("...").toString();
            }
            char c = s.charAt(i);
            if (c == '\\') {
                sb.append("\\\\");
            } else if (!escaped(c)) {
                sb.append(c);
            } else if (c <= 0xFF) {
                sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            } else {
                String hex = Integer.toHexString(c);
                sb.append("\\u").append("0000", hex.length(), 4).append(hex);
            }
        }
        return sb.toString();
    }

    /**
     * The failure as it may be logged: exception messages can quote request values (a header value with CR/LF,
     * a model name), so each message in the cause chain is cleaned and bounded; types and stack traces are kept.
     */
    public static Throwable safe(Throwable t) {
        return safe(t, 0);
    }

    private static Throwable safe(Throwable t, int depth) {
        if (t == null || depth > 8) {
            return null;
        }
        String message = t.getMessage() == null ? "" : ": " + clean(t.getMessage(), 512);
        Throwable copy = new LoggedFailure(t.getClass().getName() + message, safe(t.getCause(), depth + 1));
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }

    /** Stands in for a logged exception, its message cleaned. */
    private static final class LoggedFailure extends RuntimeException {
        LoggedFailure(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String toString() {
            return getMessage(); // already "original.Type: cleaned message"
        }
    }

    private static boolean isPlain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || escaped(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean escaped(char c) {
        if (c > ' ' && c < 0x7F) {
            return false;
        }
        if (c <= ' ' || Character.isISOControl(c)) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT
                || type == Character.SPACE_SEPARATOR || Character.isSurrogate(c);
    }
}
