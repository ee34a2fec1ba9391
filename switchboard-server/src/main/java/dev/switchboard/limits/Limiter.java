package dev.switchboard.limits;

import io.vertx.core.Future;

/**
 * Admits requests against every scope's counters at once: all counters are incremented (request +1,
 * tokens + estimate, budget + worst case) or none are. Implementations are safe to call from any thread.
 */
public interface Limiter {
    Future<Admission> admit(AdmissionRequest request);

    /** Where this limiter announces room given back (refunds, releases), for queued requests; null: never. */
    default RoomSignal roomSignal() {
        return null;
    }
}
