package dev.switchboard.provider;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;

/**
 * The rule every upstream model name must pass before a request is built with it: letters, digits and
 * {@code . _ : @ -}, plus {@code /} where the dialect allows it (model ids such as {@code meta-llama/Llama-3} or a
 * Bedrock ARN), no empty, {@code .} or {@code ..} segment, at most {@value #MAX_LENGTH} characters. Model names
 * reach URL paths on some providers; this keeps a client from choosing another path, query or method on the
 * provider's host with the gateway's credential. Pure and thread-safe.
 */
public final class UpstreamModelName {
    public static final int MAX_LENGTH = 512;

    private UpstreamModelName() {}

    /**
     * @param slash whether {@code /} may separate segments
     * @param colon whether {@code :} may appear (Gemini reads {@code :method} after the model in its path)
     * @return the name, when valid
     * @throws GatewayException 400 {@code invalid_request_error} with param {@code model} otherwise
     */
    public static String check(String provider, String model, boolean slash, boolean colon) {
        if (!valid(model, slash, colon)) {
            throw GatewayException.param(ErrorKind.INVALID_PARAMETER, "model", "The model name for provider '" + provider
                    + "' is not valid: use letters, digits and " + (colon ? ". _ : @ -" : ". _ @ -")
                    + (slash ? " (and / between parts)" : "") + ", at most " + MAX_LENGTH
                    + " characters, no '.' or '..' part.");
        }
        return model;
    }

    public static boolean valid(String model, boolean slash, boolean colon) {
        int n = model.length();
        if (n == 0 || n > MAX_LENGTH) {
            return false;
        }
        int segmentStart = 0;
        for (int i = 0; i <= n; i++) {
            char c = i == n ? '/' : model.charAt(i);
            if (c == '/') {
                if (i < n && !slash) {
                    return false;
                }
                int len = i - segmentStart;
                if (len == 0 || (len <= 2 && model.startsWith(len == 1 ? "." : "..", segmentStart))) {
                    return false; // empty, "." or ".." part: a path step, not a name
                }
                segmentStart = i + 1;
            } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-' || c == '@' || (c == ':' && colon))) {
                return false;
            }
        }
        return true;
    }

    /**
     * One URL path segment: RFC 3986 unreserved characters kept, everything else (including {@code /}) as
     * {@code %XX} of its UTF-8 bytes. Refuses {@code .} and {@code ..}, which no encoding keeps from being a path step.
     */
    public static String pathSegment(String s) {
        if (s.isEmpty() || s.equals(".") || s.equals("..")) {
            throw GatewayException.param(ErrorKind.INVALID_PARAMETER, "model", "The model name is not valid.");
        }
        StringBuilder b = null;
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int x = bytes[i] & 0xff;
            boolean plain = (x >= 'A' && x <= 'Z') || (x >= 'a' && x <= 'z') || (x >= '0' && x <= '9')
                    || x == '-' || x == '_' || x == '.' || x == '~';
            if (plain && b == null) {
                continue;
            }
            if (b == null) {
                b = new StringBuilder(bytes.length + 16).append(s, 0, i); // bytes before i are ASCII
            }
            if (plain) {
                b.append((char) x);
            } else {
                b.append('%').append(HEX[x >> 4]).append(HEX[x & 15]);
            }
        }
        return b == null ? s : b.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
