package dev.switchboard.catalogue;

import java.util.Map;

/**
 * A catalogue entry: everything that makes a vendor different when it speaks a known dialect.
 * Adding an OpenAI-compatible vendor is one entry in {@code providers.yaml}, no code.
 *
 * @param baseUrl default base URL, or null when the config must give one
 * @param keyRequired whether a provider of this type must declare {@code api_key}
 * @param builtin served inside the gateway (the demo upstream); its base URL is assigned at start
 */
public record ProviderType(
        String name,
        String dialect,
        String baseUrl,
        AuthStyle auth,
        String authHeader,
        boolean keyRequired,
        UrlStyle urlStyle,
        String apiVersion,
        Map<String, String> headers,
        boolean builtin) {}
