package dev.switchboard.store.repository;

import java.time.Instant;

/** A request by a key or a team to use a model it is not yet allowed. */
public record AccessRequest(String id, RequesterKind requesterKind, String requesterId, String model, String reason,
        Status status, Instant requestedAt, String decidedBy, Instant decidedAt, String note) {

    public enum RequesterKind { KEY, TEAM }

    public enum Status { PENDING, APPROVED, REJECTED }
}
