package dev.switchboard.config;

import dev.switchboard.provider.Timeouts;
import dev.switchboard.routing.BreakerSettings;
import dev.switchboard.routing.ModelAlias;
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
        GovernanceConfig governance,
        TelemetryConfig telemetry,
        StagesConfig stages) {
    public GatewayConfig(ServerConfig server, Timeouts timeouts, List<ProviderConfig> providers, List<ModelAlias> models,
                         List<KeyConfig> keys, List<RouteConfig> routes, RetryPolicy retry, BreakerSettings breaker,
                         GovernanceConfig governance, TelemetryConfig telemetry) {
        this(server, timeouts, providers, models, keys, routes, retry, breaker, governance, telemetry, StagesConfig.NONE);
    }

    /** Without a {@code telemetry:} section: the endpoints are on the main listener, without a token. */
    public GatewayConfig(ServerConfig server, Timeouts timeouts, List<ProviderConfig> providers, List<ModelAlias> models,
                         List<KeyConfig> keys, List<RouteConfig> routes, RetryPolicy retry, BreakerSettings breaker,
                         GovernanceConfig governance) {
        this(server, timeouts, providers, models, keys, routes, retry, breaker, governance, TelemetryConfig.NONE);
    }
}
