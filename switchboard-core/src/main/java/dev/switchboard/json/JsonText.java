package dev.switchboard.json;

/**
 * Writes JSON strings straight into a builder, escaped as the gateway's Jackson mapper escapes them (quote,
 * backslash, the short forms \b \t \n \f \r, other control characters as {@code \}{@code u00XX}, everything else as
 * is), so that text written here is byte for byte what a tree written by Jackson would have been.
 */
public final class JsonText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private JsonText() {}

    public static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        int n = s.length();
        int from = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            sb.append(s, from, i);
            from = i + 1;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\f' -> sb.append("\\f");
                case '\r' -> sb.append("\\r");
                default -> sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return sb.append(s, from, n).append('"');
    }

    /** A JSON string, or {@code null} for a null one (as Jackson writes a null text field). */
    public static StringBuilder quoteOrNull(StringBuilder sb, String s) {
        return s == null ? sb.append("null") : quote(sb, s);
    }
}
