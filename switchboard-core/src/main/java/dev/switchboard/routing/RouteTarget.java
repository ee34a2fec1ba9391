package dev.switchboard.routing;

/**
 * One target of a rule: where to send, its weight in a split, how to retry it, and its blended price per million
 * tokens for the lowest-cost strategy (NaN when the price table does not know the model).
 */
public record RouteTarget(Target target, int weight, RetryPolicy retry, double pricePerMillion) {
    /** The registry key of the target's live state. */
    public String key() {
        return target.provider().name() + "/" + target.upstreamModel();
    }
}
