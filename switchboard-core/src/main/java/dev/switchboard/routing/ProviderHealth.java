package dev.switchboard.routing;

/**
 * The last active health check of a provider.
 *
 * @param healthy null before the first check
 * @param latencyMillis -1 when the check did not get an answer
 */
public record ProviderHealth(Boolean healthy, long latencyMillis, String error, long checkedAtMillis, int consecutiveFailures) {
    public static final ProviderHealth UNKNOWN = new ProviderHealth(null, -1, "", 0, 0);
}
