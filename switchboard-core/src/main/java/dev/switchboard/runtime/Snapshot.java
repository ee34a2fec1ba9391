package dev.switchboard.runtime;

import dev.switchboard.access.KeyIndex;
import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.catalogue.ProviderType;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.ProviderConfig;
import dev.switchboard.config.RouteConfig;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.routing.ModelResolver;
import dev.switchboard.routing.PriceLookup;
import dev.switchboard.routing.Route;
import dev.switchboard.routing.RouteTarget;
import dev.switchboard.routing.Router;
import dev.switchboard.routing.Rule;
import dev.switchboard.routing.Target;
import dev.switchboard.routing.TargetRegistry;
import dev.switchboard.secret.Secret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Everything a request needs from the config, built once per config version. A request takes the current
 * snapshot when it starts and keeps it to the end, so a reload never changes a request in flight.
 */
public record Snapshot(GatewayConfig config, Router router, KeyIndex keys, dev.switchboard.stage.StagePlan stages) {
    public Snapshot(GatewayConfig config, Router router, KeyIndex keys) {
        this(config, router, keys, dev.switchboard.stage.StagePlan.NONE);
    }

    /** The {@code api_key} value that means: the provider's key is an encrypted credential in the store. */
    public static final String STORE_CREDENTIAL = "store";

    public ModelResolver resolver() {
        return router.resolver();
    }

    /** A snapshot with its own target registry (tests and tools; the gateway shares one across reloads). */
    public static Snapshot build(GatewayConfig config, ProviderCatalogue catalogue, UnaryOperator<String> builtinBaseUrl) {
        return build(config, catalogue, builtinBaseUrl, new TargetRegistry(), PriceLookup.UNKNOWN, Map.of());
    }

    /**
     * @param builtinBaseUrl the base URL of a built-in provider type by type name (the demo upstream), or null
     * @param registry the live target state, kept across reloads
     * @param storeCredentials upstream keys from the store by provider name, for providers configured with
     *                         {@code api_key: store} (or none)
     */
    public static Snapshot build(GatewayConfig config, ProviderCatalogue catalogue, UnaryOperator<String> builtinBaseUrl,
                                 TargetRegistry registry, PriceLookup prices, Map<String, Secret> storeCredentials) {
        Map<String, ProviderEndpoint> providers = new LinkedHashMap<>();
        for (ProviderConfig pc : config.providers()) {
            ProviderType type = catalogue.find(pc.type()).orElseThrow();
            String baseUrl = pc.baseUrl() != null ? pc.baseUrl()
                    : type.builtin() ? builtinBaseUrl.apply(type.name()) : type.baseUrl();
            Map<String, String> headers = new LinkedHashMap<>(type.headers());
            headers.putAll(pc.headers());
            String apiVersion = pc.apiVersion() != null ? pc.apiVersion() : type.apiVersion();
            Secret key = pc.apiKey();
            if (key == null || key.value().equals(STORE_CREDENTIAL)) {
                key = storeCredentials.getOrDefault(pc.name(), key == null ? null : new Secret(""));
            }
            providers.put(pc.name(), new ProviderEndpoint(pc.name(), type, baseUrl, key,
                    Map.copyOf(headers), apiVersion, pc.models(), pc.timeouts(), pc.unsupportedParams(), pc.limits()));
        }
        ModelResolver resolver = new ModelResolver(providers, config.models());
        List<Route> routes = new ArrayList<>();
        for (RouteConfig rc : config.routes()) {
            Route route = route(rc, resolver, prices);
            routes.add(route);
        }
        Router router = new Router(routes, resolver, registry, config.breaker(), config.retry(), prices);
        // every configured target has live state from the start, kept for good: health checks can open its
        // breaker, check lists it (direct provider/model targets are bounded, see TargetRegistry)
        registry.configure(router);
        return new Snapshot(config, router, new KeyIndex(config.keys()),
                StagePlans.build(config.stages(), dev.switchboard.stage.StageCatalogue.installed()));
    }

    private static Route route(RouteConfig rc, ModelResolver resolver, PriceLookup prices) {
        List<Rule> rules = new ArrayList<>();
        for (RouteConfig.RuleConfig rule : rc.rules()) {
            List<RouteTarget> targets = new ArrayList<>();
            for (RouteConfig.TargetConfig tc : rule.targets()) {
                Target resolved = resolver.resolve(tc.model());
                // the public name stays the route's: metrics and usage group by what the client asked for
                Target t = new Target(resolved.provider(), resolved.upstreamModel(), rc.name());
                targets.add(new RouteTarget(t, tc.weight(), tc.retry(),
                        prices.pricePerMillion(t.provider().name(), t.upstreamModel())));
            }
            rules.add(new Rule(rule.when(), rule.strategy(), targets, rule.sticky()));
        }
        return new Route(rc.name(), rules, rc.fallbackOn());
    }
}
