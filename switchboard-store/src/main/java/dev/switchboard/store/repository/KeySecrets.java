package dev.switchboard.store.repository;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Generates client key secrets and the hash under which they are stored. */
public final class KeySecrets {
    public static final String SECRET_PREFIX = "sk-sb-";
    public static final int PREFIX_LENGTH = 12;
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int RANDOM_CHARS = 40;
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecrets() {}

    /** {@code sk-sb-} followed by 40 base62 characters (about 238 bits). */
    public static String newSecret() {
        StringBuilder sb = new StringBuilder(SECRET_PREFIX.length() + RANDOM_CHARS).append(SECRET_PREFIX);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            sb.append(BASE62.charAt(RANDOM.nextInt(BASE62.length())));
        }
        return sb.toString();
    }

    /** The part of a secret that may be shown and stored to recognise the key. */
    public static String visiblePrefix(String secret) {
        return secret.substring(0, Math.min(PREFIX_LENGTH, secret.length()));
    }

    /** Lower-case hex SHA-256 of the secret's UTF-8 bytes; what the store and the gateway compare. */
    public static String sha256Hex(String secret) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
