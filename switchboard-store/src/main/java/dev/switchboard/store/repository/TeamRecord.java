package dev.switchboard.store.repository;

import java.time.Instant;

/** A team: a named group of keys sharing a policy. */
public record TeamRecord(String id, String name, AccessPolicy policy, Instant createdAt) {}
