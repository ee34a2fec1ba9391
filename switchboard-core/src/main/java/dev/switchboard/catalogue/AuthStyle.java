package dev.switchboard.catalogue;

/**
 * How a provider's requests carry its credential ({@code auth} in the catalogue). Each style is one class in
 * {@code dev.switchboard.credentials}, picked by {@code UpstreamCredentials.of}.
 */
public enum AuthStyle {
    /** {@code Authorization: Bearer <key>} */
    BEARER,
    /** The key in a named header ({@code auth_header}), e.g. Azure's {@code api-key}, Anthropic's {@code x-api-key}. */
    HEADER,
    /** AWS Signature Version 4 over the final request, for the catalogue's {@code signing_service}. */
    SIGV4,
    /**
     * A Google service-account key: {@code Authorization: Bearer <access token>}, the token obtained by the server
     * (an OAuth2 JWT-bearer exchange) and cached until it expires.
     */
    GOOGLE_SERVICE_ACCOUNT,
    /** No credential. */
    NONE
}
