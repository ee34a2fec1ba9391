package dev.switchboard.store.repository;

import java.time.Instant;
import java.util.List;

/** The trail of administrative changes, written by the repositories in the same transaction as each change. */
public interface AuditLog {
    /** Entries at or after {@code since}, oldest first, at most {@code limit}. */
    List<AuditEntry> list(Instant since, int limit);
}
