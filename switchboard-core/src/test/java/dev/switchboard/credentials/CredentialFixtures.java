package dev.switchboard.credentials;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.catalogue.ProviderType;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.Timeouts;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Providers of each bundled type, and a translated request that dropped two parameters. */
final class CredentialFixtures {
    private CredentialFixtures() {}

    static ProviderEndpoint provider(String type, String baseUrl, String key) {
        ProviderType t = ProviderCatalogue.bundled().find(type).orElseThrow();
        return new ProviderEndpoint("p-" + type, t, baseUrl == null ? t.baseUrl() : baseUrl,
                key == null ? null : new Secret(key), t.headers(), t.apiVersion(), List.of(), Timeouts.DEFAULTS);
    }

    /** A request as a translator leaves it: its own headers, in order, and the parameters it dropped. */
    static UpstreamRequest request() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json");
        return new UpstreamRequest("POST", "https://api.example.com/v1/chat/completions", headers,
                "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8), List.of("seed", "logprobs"));
    }

    static UpstreamRequest applyNow(UpstreamCredential c, UpstreamRequest req) {
        return c.apply(req, TokenSource.NONE).toCompletableFuture().join();
    }
}
