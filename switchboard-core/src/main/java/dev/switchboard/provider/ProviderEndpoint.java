package dev.switchboard.provider;

import dev.switchboard.catalogue.ProviderType;
import dev.switchboard.config.Secret;
import dev.switchboard.config.Timeouts;
import java.util.List;
import java.util.Map;

/**
 * A configured provider with its catalogue defaults applied: where to send, how to sign, how long to wait.
 *
 * @param headers the type's headers overlaid by the config's extra headers
 * @param models the models the config declares for {@code /v1/models} (may be empty)
 */
public record ProviderEndpoint(
        String name,
        ProviderType type,
        String baseUrl,
        Secret apiKey,
        Map<String, String> headers,
        String apiVersion,
        List<String> models,
        Timeouts timeouts) {}
