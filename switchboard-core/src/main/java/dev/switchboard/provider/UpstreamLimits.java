package dev.switchboard.provider;

/**
 * What one gateway instance takes from a provider at most.
 *
 * @param maxConnections upstream connections (requests in flight) open to the provider at once, over all event
 *                       loops of the instance; 0 = no cap of the gateway's own. When reached, further calls are
 *                       refused at once with 503 and {@code retry-after} (never queued).
 * @param maxResponseBytes the largest non-stream answer gathered whole; a larger one is dropped with a 502
 */
public record UpstreamLimits(int maxConnections, int maxResponseBytes) {
    /** 64 MiB: far above any real chat or embeddings answer, far below what would strain the heap. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
    public static final UpstreamLimits DEFAULTS = new UpstreamLimits(0, DEFAULT_MAX_RESPONSE_BYTES);
}
