package dev.switchboard.provider;

import dev.switchboard.catalogue.ProviderType;
import dev.switchboard.secret.Secret;
import java.util.List;
import java.util.Map;

/**
 * A configured provider with its catalogue defaults applied: where to send, how to sign, how long to wait.
 *
 * @param headers the type's headers overlaid by the config's extra headers
 * @param models the models the config declares for {@code /v1/models} (may be empty)
 * @param unsupportedParams whether parameters the dialect cannot take are refused (default) or dropped
 * @param limits the connection cap and the largest non-stream answer taken from the provider
 */
public record ProviderEndpoint(
        String name,
        ProviderType type,
        String baseUrl,
        Secret apiKey,
        Map<String, String> headers,
        String apiVersion,
        List<String> models,
        Timeouts timeouts,
        UnsupportedParams unsupportedParams,
        UpstreamLimits limits) {
    public ProviderEndpoint {
        unsupportedParams = unsupportedParams == null ? UnsupportedParams.REJECT : unsupportedParams;
        limits = limits == null ? UpstreamLimits.DEFAULTS : limits;
    }

    public ProviderEndpoint(String name, ProviderType type, String baseUrl, Secret apiKey, Map<String, String> headers,
                            String apiVersion, List<String> models, Timeouts timeouts, UnsupportedParams unsupportedParams) {
        this(name, type, baseUrl, apiKey, headers, apiVersion, models, timeouts, unsupportedParams, null);
    }

    public ProviderEndpoint(String name, ProviderType type, String baseUrl, Secret apiKey, Map<String, String> headers,
                            String apiVersion, List<String> models, Timeouts timeouts) {
        this(name, type, baseUrl, apiKey, headers, apiVersion, models, timeouts, UnsupportedParams.REJECT);
    }
}
