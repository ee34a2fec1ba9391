package dev.switchboard.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a client key: how keys are compared and stored, never the key itself. */
public final class KeyDigest {
    private KeyDigest() {}

    // One digest per thread: getInstance() looks up the provider each time, a cost on every request.
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final HexFormat HEX = HexFormat.of();

    public static String sha256Hex(String key) {
        MessageDigest md = DIGEST.get();
        md.reset();
        return HEX.formatHex(md.digest(key.getBytes(StandardCharsets.UTF_8)));
    }
}
