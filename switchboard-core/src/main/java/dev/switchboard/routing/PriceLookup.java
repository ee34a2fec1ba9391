package dev.switchboard.routing;

/** A blended USD price per million tokens of a provider's model, for the lowest-cost strategy; NaN when unknown. */
@FunctionalInterface
public interface PriceLookup {
    PriceLookup UNKNOWN = (provider, model) -> Double.NaN;

    double pricePerMillion(String provider, String upstreamModel);
}
