package dev.switchboard.server.auth;

/** Cheap test whether a bearer value is shaped like a compact JWS, so gateway keys never reach the JWT parser. */
public final class JwtShape {
    private JwtShape() {
    }

    /** True for three non-empty base64url segments joined by two dots (header.payload.signature). */
    public static boolean looksLikeJwt(String token) {
        if (token == null || token.length() < 5) {
            return false;
        }
        int dots = 0;
        int segmentLength = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                if (segmentLength == 0 || ++dots > 2) {
                    return false;
                }
                segmentLength = 0;
            } else if (isBase64Url(c)) {
                segmentLength++;
            } else {
                return false;
            }
        }
        return dots == 2 && segmentLength > 0;
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
