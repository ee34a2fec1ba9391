package dev.switchboard.provider.anthropic;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.catalogue.ProviderType;
import dev.switchboard.ingress.openai.OpenAiRequestDecoder;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.Timeouts;
import dev.switchboard.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared test setup: the catalogue's anthropic entry as a configured provider. */
final class AnthropicFixtures {
    static final String KEY = "sk-ant-api03-SECRET";
    static final long CREATED = 1_700_000_000L;
    static final ProviderType TYPE = ProviderCatalogue.bundled().find("anthropic").orElseThrow();
    static final ProviderEndpoint ENDPOINT = endpoint(Map.of());

    private AnthropicFixtures() {}

    static ProviderEndpoint endpoint(Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>(TYPE.headers());
        headers.putAll(extraHeaders);
        return new ProviderEndpoint("claude", TYPE, TYPE.baseUrl(), new Secret(KEY), headers, TYPE.apiVersion(),
                List.of(), Timeouts.DEFAULTS);
    }

    static ModelRequest chat(String json) {
        return OpenAiRequestDecoder.decode(Operation.CHAT, json.getBytes(StandardCharsets.UTF_8));
    }
}
