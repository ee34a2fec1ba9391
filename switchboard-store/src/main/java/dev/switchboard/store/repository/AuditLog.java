package dev.switchboard.store.repository;

import java.time.Instant;
import java.util.List;

/** The trail of administrative changes, written by the repositories in the same transaction as each change. */
public interface AuditLog {
    /** Entries at or after {@code since}, oldest first, at most {@code limit}. */
    List<AuditEntry> list(Instant since, int limit);

    /**
     * Records an operation on something outside the store (e.g. a cache purge): the audit row only, no revision
     * bump. {@code details} must not contain secrets.
     */
    default void record(String actor, String action, String targetKind, String targetId, java.util.Map<String, ?> details) {
        throw new UnsupportedOperationException("this audit log does not record operations");
    }
}
