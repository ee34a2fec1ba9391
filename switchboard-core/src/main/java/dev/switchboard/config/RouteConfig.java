package dev.switchboard.config;

import dev.switchboard.routing.FallbackTrigger;
import dev.switchboard.routing.RetryPolicy;
import dev.switchboard.routing.Strategy;
import dev.switchboard.routing.StickyBy;
import dev.switchboard.routing.condition.Condition;
import java.util.List;
import java.util.Set;

/** A route as declared: rules in order, the last one the default (no {@code when}). */
public record RouteConfig(String name, List<RuleConfig> rules, Set<FallbackTrigger> fallbackOn, RetryPolicy retry) {

    /** One rule; {@code when} is null for the default branch. */
    public record RuleConfig(Condition when, Strategy strategy, List<TargetConfig> targets, StickyBy sticky) {}

    /** A target as written: {@code provider/model} or an alias, its split weight, its own retry policy or null. */
    public record TargetConfig(String model, int weight, RetryPolicy retry) {}
}
