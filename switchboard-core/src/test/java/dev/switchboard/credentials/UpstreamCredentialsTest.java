package dev.switchboard.credentials;

import static dev.switchboard.credentials.CredentialFixtures.applyNow;
import static dev.switchboard.credentials.CredentialFixtures.provider;
import static dev.switchboard.credentials.CredentialFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ProviderEndpoint;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The catalogue's {@code auth} picks the class; each puts exactly the headers the provider expects. */
class UpstreamCredentialsTest {
    private static final String KEY = "key-0123456789";

    @ParameterizedTest
    @CsvSource({
        "openai,        Authorization,  Bearer key-0123456789",
        "groq,          Authorization,  Bearer key-0123456789",
        "ollama,        Authorization,  Bearer key-0123456789",
        "azure-openai,  api-key,        key-0123456789",
        "anthropic,     x-api-key,      key-0123456789",
        "gemini,        x-goog-api-key, key-0123456789",
    })
    void keyKindsAddOneHeader(String type, String header, String value) {
        Map<String, String> expected = new LinkedHashMap<>(request().headers());
        expected.put(header, value);
        assertThat(applyNow(UpstreamCredentials.of(provider(type, "https://x.example/v1", KEY)), request()).headers())
                .isEqualTo(expected);
    }

    @Test
    void eachAuthStylePicksItsClass() {
        assertThat(UpstreamCredentials.of(provider("openai", null, KEY))).isInstanceOf(BearerCredential.class);
        assertThat(UpstreamCredentials.of(provider("anthropic", null, KEY))).isInstanceOf(HeaderKeyCredential.class);
        assertThat(UpstreamCredentials.of(provider("bedrock", null, "AKID:SECRET"))).isInstanceOf(SigV4Credential.class);
        assertThat(UpstreamCredentials.of(provider("vertex-gemini", null, ServiceAccountKeys.json("https://t.example/token"))))
                .isInstanceOf(OAuthTokenCredential.class);
        assertThat(UpstreamCredentials.of(provider("demo", "http://127.0.0.1:1", null))).isSameAs(NoCredential.INSTANCE);
    }

    @Test
    void aKeyOptionalProviderWithoutAKeySendsNone() {
        for (String type : new String[] {"ollama", "vllm", "openai-compatible"}) {
            ProviderEndpoint p = provider(type, "http://127.0.0.1:11434/v1", null);
            assertThat(UpstreamCredentials.of(p)).isSameAs(NoCredential.INSTANCE);
            assertThat(applyNow(UpstreamCredentials.of(p), request()).headers()).isEqualTo(request().headers());
        }
    }

    @Test
    void everyBundledTypeHasACredentialThatKeepsTheDroppedList() {
        for (String type : ProviderCatalogue.bundled().names()) {
            ProviderEndpoint p = provider(type, "https://x.example/v1", switch (type) {
                case "bedrock" -> "AKID:SECRET";
                case "vertex-gemini" -> ServiceAccountKeys.json("https://t.example/token");
                default -> KEY;
            });
            TokenSource tokens = (endpoint, grant) -> java.util.concurrent.CompletableFuture.completedFuture("tok");
            assertThat(UpstreamCredentials.of(p).apply(request(), tokens).toCompletableFuture().join().dropped())
                    .as(type).containsExactly("seed", "logprobs");
        }
    }

    @Test
    void aServiceAccountProviderWithoutAKeyIsAConfigurationError() {
        assertThatThrownBy(() -> UpstreamCredentials.of(provider("vertex-gemini", null, null)))
                .isInstanceOf(GatewayException.class).hasMessageContaining("api_key");
    }
}
