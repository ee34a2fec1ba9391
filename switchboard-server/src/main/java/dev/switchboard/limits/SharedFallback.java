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
    private final RoomSignal signal;
    /** The counters' keys, unprefixed as the memory names them, built once per scope. */
    private final CounterNames names = new CounterNames("");
    /** Counts while Redis is away; replaced after each outage. Guarded by this when replaced. */
    private volatile LocalLimiter current;
    /** Whether {@link #current} began with an outage (else with single timeouts, its seeds and N perhaps long stale). */
    private volatile boolean forOutage;
    /** The limiter of single timeouts before the outage, handed back with it. */
    private LocalLimiter retired;

    SharedFallback(Clock clock, CounterMemory memory, IntSupplier instances, RoomSignal signal) {
        this.signal = signal;
        this.clock = clock;
        this.memory = memory;
        this.instances = instances;
    }

    /** @param outage whether Redis is deemed away (else a single timed-out call is served locally) */
    Future<Admission> admit(AdmissionRequest request, boolean outage) {
        LocalLimiter counting = outage ? forOutage() : counting();
        LimitShare share = counting.share();
        List<CounterCheck> checks = new AdmissionPlan(names, request, clock.millis()).checks();
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

    /**
     * Adds what was counted locally during the outage (seeds excluded) to Redis: sliding buckets with
     * {@link RedisScripts#ADD_TO_WINDOWS} (those that failed, and fixed windows, as reconciles, which go only to counters Redis
     * still has and are retried while it is away). The next outage starts afresh.
     */
    void handBackTo(RedisLimiter redis) {
        Map<Slot, Long> deltas = handBack();
        Map<Slot, Long> windows = new HashMap<>();
        long now = clock.millis();
        deltas.entrySet().removeIf(e -> {
            long bucket = e.getKey().bucket();
            if (bucket < 0) {
                return false;
            }
            if (e.getValue() > 0 && SlidingWindow.dropsAt(bucket) > now) {
                windows.put(e.getKey(), e.getValue());
            }
            return true; // a bucket out of the window no longer counts anywhere
        });
        if (!deltas.isEmpty()) {
            redis.adjust(deltas);
        }
        if (windows.isEmpty()) {
            return;
        }
        List<String> keys = new java.util.ArrayList<>(windows.size());
        List<String> args = new java.util.ArrayList<>(2 * windows.size() + 2);
        windows.forEach((slot, delta) -> {
            keys.add(slot.key());
            args.add(Long.toString(slot.bucket()));
            args.add(Long.toString(delta));
        });
        args.add(Long.toString(SlidingWindow.TTL_SECONDS));
        args.add(Long.toString(SlidingWindow.bucketOf(now) - SlidingWindow.BUCKETS + 1));
        RedisScripts.ADD_TO_WINDOWS.run(redis.api(), keys, args).onFailure(e -> redis.adjust(windows));
    }

    /** What was counted locally during the outage (seeds excluded), keyed for Redis; the next outage starts afresh. */
    Map<Slot, Long> handBack() {
        LocalLimiter f;
        LocalLimiter r;
        synchronized (this) {
            f = current;
            r = retired;
            current = null;
            retired = null;
            forOutage = false;
        }
        Map<Slot, Long> deltas = new HashMap<>();
        for (LocalLimiter l : new LocalLimiter[] {r, f}) {
            if (l != null) {
                l.growth().forEach((slot, delta) -> deltas.merge(new Slot(memory.prefixed(slot.key()), slot.bucket()), delta, Long::sum));
            }
        }
        return deltas;
    }

    /**
     * The outage's limiter: a fresh one (N and seeds as they stand now) when the current one began with single
     * timeouts, which may have been long ago; that one is kept to be handed back with this one.
     */
    private LocalLimiter forOutage() {
        if (forOutage) { // written after current: current is the outage's
            LocalLimiter f = current;
            if (f != null) {
                return f;
            }
        }
        synchronized (this) {
            if (forOutage && current != null) {
                return current;
            }
            if (current != null) {
                retired = current;
            }
            LocalLimiter f = new LocalLimiter(clock, new LimitShare(memory, instances.getAsInt()), signal);
            current = f;
            forOutage = true;
            return f;
        }
    }

    /** The local limiter in use (created for single timeouts when there is none). */
    private LocalLimiter counting() {
        LocalLimiter f = current;
        if (f == null) {
            synchronized (this) {
                f = current;
                if (f == null) {
                    f = new LocalLimiter(clock, new LimitShare(memory, instances.getAsInt()), signal);
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
