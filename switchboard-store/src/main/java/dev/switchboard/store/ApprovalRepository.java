package dev.switchboard.store;

import java.util.List;
import java.util.Optional;

/** Model access requests and their decisions. */
public interface ApprovalRepository {
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
