package dev.switchboard.store.repository;

import java.time.Instant;

/**
 * A client key as stored: its visible prefix and the SHA-256 of its secret, never the secret.
 *
 * @param teamId null when the key belongs to no team
 * @param expiresAt null when it never expires
 * @param revokedAt null unless revoked
 */
public record KeyRecord(String id, String name, String teamId, String prefix, String secretSha256, Instant expiresAt,
        AccessPolicy policy, boolean revoked, Instant revokedAt, Instant createdAt) {

    /** Usable now: not revoked and not expired. */
    public boolean isActive(Instant now) {
        return !revoked && (expiresAt == null || expiresAt.isAfter(now));
    }
}
