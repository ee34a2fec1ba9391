package dev.switchboard.credentials;

/**
 * An OAuth2 JWT-bearer grant (RFC 7523): the server POSTs
 * {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<assertion>} to {@link #tokenUri()}
 * and sends the {@code access_token} it gets as a bearer token until shortly before {@code expires_in} runs out.
 * Implementations are pure (signing only) and thread-safe; the exchange, which is I/O, belongs to the server.
 */
public interface TokenGrant {
    String tokenUri();

    /** A freshly signed assertion, issued at {@code nowEpochSeconds}. */
    String assertion(long nowEpochSeconds);

    /** Identifies the credential, for caching its token (never the secret itself). */
    String cacheKey();
}
