package dev.switchboard.config;

import java.util.List;

/** The whole validated config file. Immutable; a reload builds a new one. */
public record GatewayConfig(
        ServerConfig server,
        Timeouts timeouts,
        List<ProviderConfig> providers,
        List<ModelAlias> models,
        List<KeyConfig> keys) {}
