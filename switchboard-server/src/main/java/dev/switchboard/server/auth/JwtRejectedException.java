package dev.switchboard.server.auth;

/**
 * A bearer JWT was refused. The message is safe for a 401 body: it says why, never echoes the token or its claims.
 * No stack trace is filled in because rejections are routine on the hot path.
 */
public final class JwtRejectedException extends RuntimeException {
    /** Why a token was refused. */
    public enum Reason {
        MALFORMED("malformed token"),
        ALGORITHM_NOT_ALLOWED("token algorithm not allowed"),
        UNKNOWN_KEY("token signed with an unknown key id"),
        BAD_SIGNATURE("token signature is invalid"),
        EXPIRED("token has expired"),
        NOT_YET_VALID("token is not valid yet"),
        WRONG_ISSUER("token issuer is not accepted"),
        WRONG_AUDIENCE("token audience is not accepted"),
        MISSING_CLAIM("token lacks a required claim");

        private final String message;

        Reason(String message) {
            this.message = message;
        }

        public String message() {
            return message;
        }
    }

    private final Reason reason;

    public JwtRejectedException(Reason reason) {
        this(reason, reason.message());
    }

    public JwtRejectedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
