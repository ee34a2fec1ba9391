package dev.switchboard.server.admission;

import dev.switchboard.config.RateLimitConfig;
import dev.switchboard.error.GatewayException;
import dev.switchboard.routing.Router;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The config's per-model limits ({@code limits.models}) keyed the way requests are counted: a name that is a route
 * ({@code support} or {@code dynamic/support}) limits the route; any other name (an alias, {@code provider/model}
 * in any spelling) limits the target it resolves to. Names reaching one target share the tightest of their limits.
 * Built once per config snapshot; immutable.
 */
public final class ModelLimits {
    static final ModelLimits NONE = new ModelLimits(Map.of());
    private static final Logger LOG = LoggerFactory.getLogger(ModelLimits.class);

    private final Map<String, RateLimitConfig> byScope;

    private ModelLimits(Map<String, RateLimitConfig> byScope) {
        this.byScope = byScope;
    }

    public static ModelLimits of(Map<String, RateLimitConfig> configured, Router router) {
        if (configured.isEmpty()) {
            return NONE;
        }
        Map<String, RateLimitConfig> out = new HashMap<>();
        configured.forEach((name, limit) -> {
            String scope = scopeOf(name, router);
            if (scope == null) {
                LOG.warn("limits.models: '{}' is neither a route nor a model the gateway can resolve; its limit applies to nothing", name);
                return;
            }
            out.merge(scope, limit, ModelLimits::tighter);
        });
        return new ModelLimits(Map.copyOf(out));
    }

    boolean isEmpty() {
        return byScope.isEmpty();
    }

    /** The limit of the target {@code provider/canonical-model} (see {@link ScopeIds#target}), or null. */
    RateLimitConfig forTarget(String target) {
        return byScope.isEmpty() ? null : byScope.get(ScopeIds.model(target));
    }

    /** The limit of the route, or null. */
    RateLimitConfig forRoute(String route) {
        return byScope.isEmpty() ? null : byScope.get(ScopeIds.route(route));
    }

    private static String scopeOf(String name, Router router) {
        if (router.isRoute(name)) {
            String bare = router.routes().containsKey(name) ? name : name.substring(Router.DYNAMIC_PREFIX.length());
            return ScopeIds.route(bare);
        }
        try {
            return ScopeIds.model(ScopeIds.target(router.resolver().resolve(name)));
        } catch (GatewayException e) {
            return null;
        }
    }

    private static RateLimitConfig tighter(RateLimitConfig a, RateLimitConfig b) {
        return new RateLimitConfig(min(a.requestsPerMinute(), b.requestsPerMinute()),
                min(a.tokensPerMinute(), b.tokensPerMinute()), min(a.tokensPerDay(), b.tokensPerDay()));
    }

    private static Long min(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.min(a, b));
    }
}
