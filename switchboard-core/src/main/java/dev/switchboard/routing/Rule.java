package dev.switchboard.routing;

import dev.switchboard.routing.condition.Condition;
import java.util.List;

/**
 * One branch of a route. {@code when} is null for the default branch.
 *
 * @param sticky what pins a caller to one arm of a weighted split, or null for a random split
 */
public record Rule(Condition when, Strategy strategy, List<RouteTarget> targets, StickyBy sticky) {
    public Rule {
        targets = List.copyOf(targets);
    }

    public int totalWeight() {
        int sum = 0;
        for (RouteTarget t : targets) {
            sum += t.weight();
        }
        return sum;
    }
}
