package dev.switchboard.routing;

/**
 * One target of a rule: where to send, its weight in a split, how to retry it, and its blended price per million
 * tokens for the lowest-cost strategy (NaN when the price table does not know the model). {@code key} names the
 * target's live state ({@code provider/upstream-model}), computed once.
 */
public record RouteTarget(Target target, int weight, RetryPolicy retry, double pricePerMillion, String key) {
    public RouteTarget(Target target, int weight, RetryPolicy retry, double pricePerMillion) {
        this(target, weight, retry, pricePerMillion, target.provider().name() + "/" + target.upstreamModel());
    }
}
