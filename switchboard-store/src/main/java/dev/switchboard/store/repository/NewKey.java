package dev.switchboard.store.repository;

import java.time.Instant;

/**
 * What to create a key with.
 *
 * @param teamId null for no team
 * @param expiresAt null for never
 */
public record NewKey(String name, String teamId, Instant expiresAt, AccessPolicy policy) {
    public NewKey {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("key name is required");
        }
        policy = policy == null ? AccessPolicy.OPEN : policy;
    }
}
