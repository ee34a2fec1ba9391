package dev.switchboard.provider.gemini;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.catalogue.ProviderType;
import dev.switchboard.ingress.openai.OpenAiRequestDecoder;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.Timeouts;
import dev.switchboard.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Shared test setup: the catalogue's gemini entry as a configured provider. */
final class GeminiFixtures {
    static final String KEY = "AIzaSyTEST-SECRET-KEY";
    static final long CREATED = 1_700_000_000L;
    static final ProviderType TYPE = ProviderCatalogue.bundled().find("gemini").orElseThrow();
    static final ProviderEndpoint ENDPOINT = new ProviderEndpoint("google", TYPE, TYPE.baseUrl(), new Secret(KEY),
            TYPE.headers(), TYPE.apiVersion(), List.of(), Timeouts.DEFAULTS);

    private GeminiFixtures() {}

    static ModelRequest chat(String json) {
        return OpenAiRequestDecoder.decode(Operation.CHAT, json.getBytes(StandardCharsets.UTF_8));
    }
}
