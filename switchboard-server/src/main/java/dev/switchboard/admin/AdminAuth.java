package dev.switchboard.admin;

import dev.switchboard.store.repository.KeySecrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/** Checks {@code Authorization: Bearer <admin key>} against the configured SHA-256 hashes and names the actor. */
final class AdminAuth {
    private static final int MAX_ACTOR_HEADER = 120;
    private final List<byte[]> hashes;

    AdminAuth(List<String> adminKeySha256) {
        this.hashes = adminKeySha256.stream().map(h -> h.getBytes(StandardCharsets.US_ASCII)).toList();
    }

    /** The actor name ({@code admin:abcd1234}, or {@code alice via admin:abcd1234}), or null when not an admin. */
    String authenticate(String authorization, String actorHeader) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String presented = authorization.substring(7).strip();
        if (presented.isEmpty()) {
            return null;
        }
        byte[] hash = KeySecrets.sha256Hex(presented).getBytes(StandardCharsets.US_ASCII);
        String matched = null;
        // compare with every configured hash so the time taken does not reveal which one matched
        for (byte[] h : hashes) {
            if (MessageDigest.isEqual(h, hash)) {
                matched = new String(h, StandardCharsets.US_ASCII);
            }
        }
        if (matched == null) {
            return null;
        }
        String admin = "admin:" + matched.substring(0, 8);
        String person = sanitize(actorHeader);
        return person == null ? admin : person + " via " + admin;
    }

    /** The header is free text from the caller: keep it printable and short for the audit log. */
    private static String sanitize(String header) {
        if (header == null) {
            return null;
        }
        String clean = header.codePoints().filter(cp -> !Character.isISOControl(cp))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        if (clean.isEmpty()) {
            return null;
        }
        return clean.length() > MAX_ACTOR_HEADER ? clean.substring(0, MAX_ACTOR_HEADER) : clean;
    }
}
