package dev.switchboard.config;

import dev.switchboard.provider.Timeouts;
import dev.switchboard.provider.UnsupportedParams;
import dev.switchboard.provider.UpstreamLimits;
import dev.switchboard.secret.Secret;
import java.util.List;
import java.util.Map;

/**
 * One upstream provider as declared: a name, a catalogue type, and overrides of the type's defaults.
 * {@code apiKey} is null for providers that take no key;
 * {@code healthCheck} is null when the provider is not actively checked;
 * {@code limits}: connection cap and response size bound ({@link UpstreamLimits#DEFAULTS} when not set).
 */
public record ProviderConfig(
        String name,
        String type,
        String baseUrl,
        Secret apiKey,
        Map<String, String> headers,
        String apiVersion,
        List<String> models,
        Timeouts timeouts,
        UnsupportedParams unsupportedParams,
        HealthCheckConfig healthCheck,
        UpstreamLimits limits) {
    public ProviderConfig {
        limits = limits == null ? UpstreamLimits.DEFAULTS : limits;
    }

    public ProviderConfig(String name, String type, String baseUrl, Secret apiKey, Map<String, String> headers,
                          String apiVersion, List<String> models, Timeouts timeouts, UnsupportedParams unsupportedParams,
                          HealthCheckConfig healthCheck) {
        this(name, type, baseUrl, apiKey, headers, apiVersion, models, timeouts, unsupportedParams, healthCheck, null);
    }
}
