package dev.switchboard.store.repository;

import java.util.List;
import java.util.Optional;

/**
 * Client keys. Every change is audited as {@code actor} and bumps {@link #revision()}, so gateways keep all keys
 * in memory ({@link #listActiveKeys()}) and reload only when the revision moves.
 */
public interface KeyRepository {
    /** Generates the secret, stores only its hash and prefix, and returns the secret this once. */
    CreatedKey createKey(String actor, NewKey spec);

    Optional<KeyRecord> get(String id);

    List<KeyRecord> list();

    /** Keys neither revoked nor expired. */
    List<KeyRecord> listActiveKeys();

    /** Not for the request path: gateways match against {@link #listActiveKeys()} in memory. */
    Optional<KeyRecord> findActiveByHash(String secretSha256);

    KeyRecord revoke(String actor, String id);

    KeyRecord updatePolicy(String actor, String id, AccessPolicy policy);

    KeyRecord updateAllowedModels(String actor, String id, List<String> models);

    KeyRecord updateLimits(String actor, String id, Limits limits);

    /** @param budget null removes the budget */
    KeyRecord updateBudget(String actor, String id, Budget budget);

    KeyRecord updateMetadata(String actor, String id, java.util.Map<String, String> metadata);

    /** A counter bumped by every administrative change (keys, teams, credentials, approvals). */
    long revision();
}
