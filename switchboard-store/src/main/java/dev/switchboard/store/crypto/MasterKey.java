package dev.switchboard.store.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key that encrypts upstream credentials. Its bytes never appear in logs or messages; the
 * {@link #fingerprint()} identifies which key encrypted a row without revealing it.
 */
public final class MasterKey {
    public static final String ENV_VAR = "SWITCHBOARD_MASTER_KEY";
    private static final int BYTES = 32;

    private final SecretKey key;
    private final String fingerprint;

    private MasterKey(byte[] raw) {
        if (raw.length != BYTES) {
            throw new IllegalArgumentException("master key must be 32 bytes (base64 of 32 random bytes), got "
                    + raw.length + " bytes");
        }
        this.key = new SecretKeySpec(raw, "AES");
        this.fingerprint = fingerprintOf(raw);
        Arrays.fill(raw, (byte) 0);
    }

    /** From base64 text of 32 bytes. */
    public static MasterKey fromBase64(String base64) {
        if (base64 == null || base64.isBlank()) {
            throw new IllegalArgumentException("master key is empty");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("master key is not valid base64"); // no cause: it would quote the input
        }
        return new MasterKey(raw);
    }

    /**
     * From {@value #ENV_VAR} when set, else from the file (its content is the base64 key).
     *
     * @param file may be null when only the environment variable is used
     */
    public static MasterKey fromEnvOrFile(Path file) {
        return fromEnvOrFile(System.getenv(ENV_VAR), file);
    }

    static MasterKey fromEnvOrFile(String envValue, Path file) {
        if (envValue != null && !envValue.isBlank()) {
            try {
                return fromBase64(envValue);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(ENV_VAR + " is invalid: " + e.getMessage());
            }
        }
        if (file == null) {
            throw new IllegalStateException("no master key: set " + ENV_VAR + " (base64 of 32 bytes) or configure a "
                    + "master key file");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read master key file " + file + ": " + e.getClass().getSimpleName());
        }
        try {
            return fromBase64(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("master key file " + file + " is invalid: " + e.getMessage());
        }
    }

    /** A new random key, e.g. for {@code rotate} or tests. */
    public static MasterKey generate() {
        byte[] raw = new byte[BYTES];
        new SecureRandom().nextBytes(raw);
        return new MasterKey(raw);
    }

    /** Base64 of a new random key, for an operator to store. */
    public static String generateBase64() {
        byte[] raw = new byte[BYTES];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    SecretKey secretKey() {
        return key;
    }

    /** 16 hex characters derived one-way from the key; stored next to each ciphertext. */
    public String fingerprint() {
        return fingerprint;
    }

    private static String fingerprintOf(byte[] raw) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update("switchboard-master-key-fingerprint:".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(raw), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "MasterKey[fingerprint=" + fingerprint + "]";
    }
}
