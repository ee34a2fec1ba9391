package dev.switchboard.routing;

/**
 * Live statistics of one target for the dynamic strategies: requests in flight, and exponentially weighted
 * moving averages of time to first token, duration and error rate. Thread-safe; cheap enough for every request.
 */
public final class TargetStats {
    /** Weight of the newest sample: about the last ten requests dominate. */
    private static final double ALPHA = 0.2;

    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private double ttftMs = -1;
    private double durationMs = -1;
    private double errorRate;
    private long samples;
    private long lastLatencyMs = -1;
    private String lastError = "";

    public void started() {
        inFlight.incrementAndGet();
    }

    /** The attempt ended; {@code ttftMs} is -1 when unknown (e.g. a non-stream answer uses its duration). */
    public synchronized void finished(boolean failed, long ttftMillis, long durationMillis, String error) {
        inFlight.decrementAndGet();
        samples++;
        errorRate = ewma(errorRate, failed ? 1 : 0, samples == 1);
        if (!failed) {
            long first = ttftMillis >= 0 ? ttftMillis : durationMillis;
            ttftMs = ttftMs < 0 ? first : ewma(ttftMs, first, false);
            durationMs = durationMs < 0 ? durationMillis : ewma(durationMs, durationMillis, false);
            lastLatencyMs = durationMillis;
        } else {
            lastError = error == null ? "" : error;
        }
    }

    /** An attempt that never reached the target (e.g. the client left first): only the in-flight count changes. */
    public void abandoned() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** EWMA of time to first token in ms, -1 before the first success. */
    public synchronized double ttftMillis() {
        return ttftMs;
    }

    public synchronized double durationMillis() {
        return durationMs;
    }

    public synchronized double errorRate() {
        return errorRate;
    }

    public synchronized long samples() {
        return samples;
    }

    public synchronized long lastLatencyMillis() {
        return lastLatencyMs;
    }

    public synchronized String lastError() {
        return lastError;
    }

    private static double ewma(double current, double sample, boolean first) {
        return first ? sample : current + ALPHA * (sample - current);
    }
}
