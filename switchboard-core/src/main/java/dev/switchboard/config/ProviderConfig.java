package dev.switchboard.config;

import java.util.List;
import java.util.Map;

/**
 * One upstream provider as declared: a name, a catalogue type, and overrides of the type's defaults.
 * {@code apiKey} is null for providers that take no key;
 * {@code healthCheck} is null when the provider is not actively checked.
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
        HealthCheckConfig healthCheck) {}
