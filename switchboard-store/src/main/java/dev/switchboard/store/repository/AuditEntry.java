package dev.switchboard.store.repository;

import java.time.Instant;

/** One administrative change; {@code detailsJson} never holds secrets. */
public record AuditEntry(long id, Instant at, String actor, String action, String targetKind, String targetId,
        String detailsJson) {}
