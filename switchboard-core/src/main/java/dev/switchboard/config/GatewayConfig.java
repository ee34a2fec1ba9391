package dev.switchboard.config;

import dev.switchboard.routing.BreakerSettings;
import dev.switchboard.routing.RetryPolicy;
import java.util.List;

/** The whole validated config file. Immutable; a reload builds a new one. */
public record GatewayConfig(
        ServerConfig server,
        Timeouts timeouts,
        List<ProviderConfig> providers,
        List<ModelAlias> models,
        List<KeyConfig> keys,
        List<RouteConfig> routes,
        RetryPolicy retry,
        BreakerSettings breaker,
        GovernanceConfig governance) {}
