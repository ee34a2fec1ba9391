package dev.switchboard.catalogue;

/** How the upstream key is presented. */
public enum AuthStyle {
    /** {@code Authorization: Bearer <key>} */
    BEARER,
    /** The key in a named header, e.g. Azure's {@code api-key}. */
    HEADER,
    /**
     * {@code Authorization: Bearer <access token>}, the token obtained by the server from the adapter's
     * {@link dev.switchboard.provider.TokenGrant} (an OAuth2 JWT-bearer exchange) and cached until it expires.
     */
    OAUTH2,
    /** No credential. */
    NONE
}
