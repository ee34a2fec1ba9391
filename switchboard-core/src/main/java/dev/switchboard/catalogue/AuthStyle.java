package dev.switchboard.catalogue;

/** How the upstream key is presented. */
public enum AuthStyle {
    /** {@code Authorization: Bearer <key>} */
    BEARER,
    /** The key in a named header, e.g. Azure's {@code api-key}. */
    HEADER,
    /** No credential. */
    NONE
}
