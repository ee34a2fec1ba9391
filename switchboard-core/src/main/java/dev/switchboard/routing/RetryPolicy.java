package dev.switchboard.routing;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and when one target is tried again: exponential backoff with full jitter, a provider's
 * {@code Retry-After} honoured up to a cap (beyond the cap the target is given up, not waited for).
 *
 * @param retries extra attempts after the first (0 = no retry)
 */
public record RetryPolicy(int retries, Duration backoff, Duration maxBackoff, Duration maxRetryAfter, Set<RetryOn> on) {
    public static final Set<RetryOn> DEFAULT_ON = EnumSet.allOf(RetryOn.class);
    public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ofMillis(200), Duration.ofSeconds(5),
            Duration.ofSeconds(30), DEFAULT_ON);

    public RetryPolicy {
        on = on.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(on));
    }

    public boolean retries(FailureClass failure) {
        RetryOn r = failure.retryOn();
        return r != null && on.contains(r);
    }

    /**
     * The wait before retry number {@code retry} (1-based), or -1 when the provider asked for a longer wait than
     * the cap allows.
     */
    public long delayMillis(int retry, String retryAfter) {
        long asked = RetryAfter.millis(retryAfter);
        if (asked >= 0) {
            return asked > maxRetryAfter.toMillis() ? -1 : asked;
        }
        long ceiling = Math.min(maxBackoff.toMillis(), backoff.toMillis() << Math.min(retry - 1, 20));
        return ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
    }
}
