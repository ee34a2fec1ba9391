package dev.switchboard.config;

import java.util.List;

/**
 * The admin API: its own listener, and admin keys (held as SHA-256 digests, never client keys).
 *
 * @param keys empty when every admin key was written {@code ${env:NAME:-}} and the variable is unset: the API is off
 * @param tlsCert PEM certificate chain path (null: plain HTTP, which is only sensible on loopback)
 * @param tlsKey PEM private key path
 * @param allow CIDRs of peers that may reach the admin API (empty: any), checked before the key
 */
public record AdminConfig(String host, int port, List<KeyConfig> keys, String tlsCert, String tlsKey, List<String> allow) {
    /** Admin keys shorter than this are refused at load. */
    public static final int MIN_KEY_LENGTH = 32;

    public AdminConfig(String host, int port, List<KeyConfig> keys) {
        this(host, port, keys, null, null, List.of());
    }
}
