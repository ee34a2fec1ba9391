package dev.switchboard.runtime;

import dev.switchboard.access.KeyIndex;
import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.catalogue.ProviderType;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.ProviderConfig;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.routing.ModelResolver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Everything a request needs from the config, built once per config version. A request takes the current
 * snapshot when it starts and keeps it to the end, so a reload never changes a request in flight.
 */
public record Snapshot(GatewayConfig config, ModelResolver resolver, KeyIndex keys) {

    /**
     * @param builtinBaseUrl the base URL of a built-in provider type by type name (the demo upstream), or null
     */
    public static Snapshot build(GatewayConfig config, ProviderCatalogue catalogue, UnaryOperator<String> builtinBaseUrl) {
        Map<String, ProviderEndpoint> providers = new LinkedHashMap<>();
        for (ProviderConfig pc : config.providers()) {
            ProviderType type = catalogue.find(pc.type()).orElseThrow();
            String baseUrl = pc.baseUrl() != null ? pc.baseUrl()
                    : type.builtin() ? builtinBaseUrl.apply(type.name()) : type.baseUrl();
            Map<String, String> headers = new LinkedHashMap<>(type.headers());
            headers.putAll(pc.headers());
            String apiVersion = pc.apiVersion() != null ? pc.apiVersion() : type.apiVersion();
            providers.put(pc.name(), new ProviderEndpoint(pc.name(), type, baseUrl, pc.apiKey(),
                    Map.copyOf(headers), apiVersion, pc.models(), pc.timeouts(), pc.unsupportedParams()));
        }
        return new Snapshot(config, new ModelResolver(providers, config.models()), new KeyIndex(config.keys()));
    }
}
