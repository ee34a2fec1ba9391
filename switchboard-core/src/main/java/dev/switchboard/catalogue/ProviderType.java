package dev.switchboard.catalogue;

import java.util.Map;

/**
 * A catalogue entry: everything that makes a vendor different when it speaks a known dialect.
 * Adding an OpenAI-compatible vendor is one entry in {@code providers.yaml}, no code.
 *
 * @param baseUrl default base URL, or null when the config must give one
 * @param authHeader the header holding the key ({@code auth: header}); {@code Authorization} for bearer
 * @param signingService the AWS service name a request is signed for ({@code auth: sigv4}), else null
 * @param keyRequired whether a provider of this type must declare {@code api_key}
 * @param builtin served inside the gateway (the demo upstream); its base URL is assigned at start
 */
public record ProviderType(
        String name,
        String dialect,
        String baseUrl,
        AuthStyle auth,
        String authHeader,
        String signingService,
        boolean keyRequired,
        UrlStyle urlStyle,
        String apiVersion,
        Map<String, String> headers,
        boolean builtin) {}
