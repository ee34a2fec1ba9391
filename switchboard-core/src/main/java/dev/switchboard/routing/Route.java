package dev.switchboard.routing;

import java.util.List;
import java.util.Set;

/** A named route: ordered rules (first match wins, the last is the default) and what triggers a fallback. */
public record Route(String name, List<Rule> rules, Set<FallbackTrigger> fallbackOn) {
    public Route {
        rules = List.copyOf(rules);
        fallbackOn = Set.copyOf(fallbackOn);
    }
}
