package dev.switchboard.store.repository;

import java.util.List;
import java.util.Optional;

/** Teams. Every change is audited as {@code actor} and bumps the store revision. */
public interface TeamRepository {
    TeamRecord create(String actor, String name, AccessPolicy policy);

    Optional<TeamRecord> get(String id);

    Optional<TeamRecord> findByName(String name);

    List<TeamRecord> list();

    /** Replaces the team's policy (models, metadata, limits, budget). */
    TeamRecord updatePolicy(String actor, String id, AccessPolicy policy);

    /** Fails when keys still belong to the team. */
    void delete(String actor, String id);
}
