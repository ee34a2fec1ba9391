package dev.switchboard.routing;

import java.util.List;
import java.util.Set;

/**
 * The targets one request will try, in order, and what lets it move from one to the next.
 *
 * @param route the route's name, or null when the model named one target directly
 */
public record RoutePlan(String route, List<RouteTarget> targets, Set<FallbackTrigger> fallbackOn) {
    public boolean fallsBackOn(FallbackTrigger trigger) {
        return trigger != null && fallbackOn.contains(trigger);
    }
}
