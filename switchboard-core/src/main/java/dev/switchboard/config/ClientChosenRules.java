package dev.switchboard.config;

import dev.switchboard.routing.condition.Condition;
import dev.switchboard.routing.condition.Field;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds route rules that a client can pick for itself: the condition reads request headers or
 * {@code x-ai-route-metadata} ({@code header.*}, {@code metadata.*}), which the client writes, and nothing about the
 * caller's key ({@code key.name}, {@code key.team}, {@code key.metadata.*}), and the rule sends the request to other
 * targets than the route's default. Any caller allowed the route can then reach those targets by sending the header,
 * so entitlement (tiers, premium models) belongs in key conditions. The server logs one warning per rule found.
 * Pure and thread-safe.
 */
public final class ClientChosenRules {
    private static final Set<Field.Source> CLIENT = EnumSet.of(Field.Source.HEADER, Field.Source.ROUTE_METADATA);
    private static final Set<Field.Source> CALLER = EnumSet.of(Field.Source.KEY_NAME, Field.Source.KEY_TEAM,
            Field.Source.KEY_METADATA);

    private ClientChosenRules() {}

    /** One message per such rule, naming its path ({@code routes[0].rules[1]}) and route. */
    public static List<String> find(List<RouteConfig> routes) {
        List<String> out = new ArrayList<>();
        for (int r = 0; r < routes.size(); r++) {
            RouteConfig route = routes.get(r);
            if (route.rules().isEmpty()) {
                continue;
            }
            Set<String> defaults = targets(route.rules().getLast());
            for (int i = 0; i < route.rules().size(); i++) {
                RouteConfig.RuleConfig rule = route.rules().get(i);
                if (rule.when() == null || defaults.containsAll(targets(rule))) {
                    continue;
                }
                Set<Field.Source> read = EnumSet.noneOf(Field.Source.class);
                sources(rule.when(), read);
                if (read.stream().anyMatch(CLIENT::contains) && read.stream().noneMatch(CALLER::contains)) {
                    out.add("routes[" + r + "].rules[" + i + "] of route '" + route.name() + "' picks targets the default"
                            + " rule does not use on client-sent header.*/metadata.* values only: any caller allowed the"
                            + " route can choose them; condition entitlement (tiers) on key.metadata.*, key.team or key.name");
                }
            }
        }
        return out;
    }

    private static Set<String> targets(RouteConfig.RuleConfig rule) {
        Set<String> out = new HashSet<>();
        rule.targets().forEach(t -> out.add(t.model()));
        return out;
    }

    /** The facts a condition reads, at any depth. */
    static void sources(Condition c, Set<Field.Source> out) {
        switch (c) {
            case Condition.Constant k -> { }
            case Condition.All a -> a.parts().forEach(p -> sources(p, out));
            case Condition.Any a -> a.parts().forEach(p -> sources(p, out));
            case Condition.Not n -> sources(n.part(), out);
            case Condition.TextEquals t -> out.add(t.field().source());
            case Condition.TextIn t -> out.add(t.field().source());
            case Condition.TextMatches t -> out.add(t.field().source());
            case Condition.NumberCompare t -> out.add(t.field().source());
            case Condition.FlagEquals t -> out.add(t.field().source());
        }
    }
}
