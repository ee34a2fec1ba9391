package dev.switchboard.store.repository;

import java.util.List;
import java.util.Optional;

/** Model access requests and their decisions. */
public interface ApprovalRepository {
    /**
     * Files a pending request, or returns the one already pending for the same requester and model. Audited, but
     * does not move the store revision (gateways reload nothing for it).
     */
    AccessRequest request(AccessRequest.RequesterKind kind, String requesterId, String model, String reason);

    Optional<AccessRequest> get(String id);

    List<AccessRequest> listPending();

    /**
     * Approves a pending request and, in the same transaction, adds the model to the key's or team's allowed
     * models (a requester already allowed all models keeps that).
     */
    AccessRequest approve(String id, String admin);

    AccessRequest reject(String id, String admin, String note);
}
