package dev.switchboard.limits;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The local counting a {@link DegradingLimiter} does under {@code fail_open} while Redis is away: one
 * {@link LocalLimiter} per outage, counting against this instance's {@link LimitShare} of each limit (N from the
 * {@link InstanceRegistry} when the outage began) and starting from what Redis last reported ({@link CounterMemory}).
 * <p>Answers 503 {@link LimitKind#UNAVAILABLE} (retry in a second) rather than a misleading 429 or 400 when only the
 * share stands in the way: a budget this instance never saw (it cannot continue from where it stands), a request
 * whose required part fits the limit but not the share, and a budget or tokens-per-day refusal by a share smaller
 * than what was left (the budget itself may not be spent).
 */
final class SharedFallback {
    private static final long RETRY_MILLIS = 1000;

    private final Clock clock;
    private final CounterMemory memory;
    private final IntSupplier instances;
    /** Counts while Redis is away; replaced after each outage. */
    private volatile LocalLimiter current;

    SharedFallback(Clock clock, CounterMemory memory, IntSupplier instances) {
        this.clock = clock;
        this.memory = memory;
        this.instances = instances;
    }

    Future<Admission> admit(AdmissionRequest request) {
        LocalLimiter counting = counting();
        LimitShare share = counting.share();
        List<CounterCheck> checks = new AdmissionPlan("", request, clock.millis()).checks();
        for (CounterCheck c : checks) {
            if (c.kind() == LimitKind.BUDGET && memory.lastSeen(c.key()) < 0) {
                return unavailable(); // never seen in Redis: refuse rather than start it at zero
            }
            if (share.onlyTheShareRefuses(c, c.need())) {
                return unavailable(); // fits what is left of the limit, never this instance's share of it
            }
        }
        return counting.admit(request).map(a -> {
            Refusal r = a.refusal().orElse(null);
            if (r == null || r.kind() == LimitKind.REQUESTS_PER_MINUTE || r.kind() == LimitKind.TOKENS_PER_MINUTE) {
                return a; // a window that frees by itself: the 429 and its retry-after hold
            }
            for (CounterCheck c : checks) {
                if (c.scopeId().equals(r.scopeId()) && c.kind() == r.kind() && share.holdsBack(c)) {
                    return unavailable().result(); // the budget itself may not be spent: only this share is
                }
            }
            return a;
        });
    }

    /** What was counted locally during the outage (seeds excluded), keyed for Redis; the next outage starts afresh. */
    Map<Slot, Long> handBack() {
        LocalLimiter f;
        synchronized (this) {
            f = current;
            current = null;
        }
        Map<Slot, Long> deltas = new HashMap<>();
        if (f != null) {
            f.growth().forEach((slot, delta) -> deltas.put(new Slot(memory.prefixed(slot.key()), slot.bucket()), delta));
        }
        return deltas;
    }

    /** The current outage's local limiter (tests). */
    LocalLimiter counting() {
        LocalLimiter f = current;
        if (f == null) {
            synchronized (this) {
                f = current;
                if (f == null) {
                    f = new LocalLimiter(clock, new LimitShare(memory, instances.getAsInt()));
                    current = f;
                }
            }
        }
        return f;
    }

    static Future<Admission> unavailable() {
        return Future.succeededFuture(Admission.refused(new Refusal(null, LimitKind.UNAVAILABLE, RETRY_MILLIS), null, null));
    }
}
