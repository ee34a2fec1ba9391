package dev.switchboard.routing;

import dev.switchboard.routing.condition.RequestFacts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the model a client asked for into a {@link RoutePlan}: a route (by its name or {@code dynamic/<name>})
 * evaluates its rules, first match wins; any other name resolves to one target through the {@link ModelResolver}.
 * Immutable per config version; the live statistics it reads are in the shared {@link TargetRegistry}.
 */
public final class Router {
    public static final String DYNAMIC_PREFIX = "dynamic/";

    private final Map<String, Route> routes;
    private final ModelResolver resolver;
    private final TargetRegistry registry;
    private final BreakerSettings breaker;
    private final RetryPolicy defaultRetry;
    private final PriceLookup prices;
    /** A model that names one target always gets the same (immutable) plan: built once, not per request. */
    private final java.util.concurrent.ConcurrentHashMap<String, RoutePlan> directPlans = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_DIRECT_PLANS = 10_000;

    public Router(List<Route> routes, ModelResolver resolver, TargetRegistry registry, BreakerSettings breaker,
                  RetryPolicy defaultRetry, PriceLookup prices) {
        Map<String, Route> byName = new LinkedHashMap<>();
        routes.forEach(r -> byName.put(r.name(), r));
        this.routes = byName;
        this.resolver = resolver;
        this.registry = registry;
        this.breaker = breaker;
        this.defaultRetry = defaultRetry;
        this.prices = prices;
    }

    /** The plan for one request; throws the resolver's model_not_found for an unknown name. */
    public RoutePlan plan(String model, RequestFacts facts) {
        Route route = route(model);
        if (route == null) {
            RoutePlan direct = directPlans.get(model);
            if (direct == null) {
                Target t = resolver.resolve(model);
                direct = new RoutePlan(null, List.of(new RouteTarget(t, 1, defaultRetry,
                        prices.pricePerMillion(t.provider().name(), t.upstreamModel()))), Set.of());
                if (directPlans.size() < MAX_DIRECT_PLANS) { // names come from clients: keep the memory bounded
                    directPlans.put(model, direct);
                }
            }
            return direct;
        }
        for (Rule rule : route.rules()) {
            if (rule.when() == null || rule.when().test(facts)) {
                return new RoutePlan(route.name(), TargetOrder.order(rule, facts, registry, breaker, System.nanoTime()),
                        route.fallbackOn());
            }
        }
        throw new IllegalStateException("route '" + route.name() + "' has no default rule"); // validation prevents it
    }

    private Route route(String model) {
        Route r = routes.get(model);
        if (r == null && model.startsWith(DYNAMIC_PREFIX)) {
            r = routes.get(model.substring(DYNAMIC_PREFIX.length()));
        }
        return r;
    }

    /** Route names first, then the resolver's aliases and provider models. */
    public List<String> advertised() {
        List<String> out = new ArrayList<>(routes.keySet());
        out.addAll(resolver.advertised());
        return out;
    }

    public boolean isRoute(String model) {
        return route(model) != null;
    }

    public ModelResolver resolver() {
        return resolver;
    }

    public TargetRegistry registry() {
        return registry;
    }

    public BreakerSettings breaker() {
        return breaker;
    }

    public Map<String, Route> routes() {
        return routes;
    }
}
