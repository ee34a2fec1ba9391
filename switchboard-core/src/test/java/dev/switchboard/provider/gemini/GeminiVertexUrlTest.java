package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.catalogue.ProviderType;
import dev.switchboard.credentials.OAuthTokenCredential;
import dev.switchboard.credentials.ServiceAccountKeys;
import dev.switchboard.credentials.UpstreamCredentials;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.Timeouts;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.secret.Secret;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Vertex AI: the same Gemini bodies at a URL whose project comes from the service-account key. */
class GeminiVertexUrlTest {
    @Test
    void vertexUrlTakesTheProjectFromTheKeyAndLeavesTheTokenToTheCredential() {
        ProviderType type = ProviderCatalogue.bundled().find("vertex-gemini").orElseThrow();
        ProviderEndpoint p = new ProviderEndpoint("vertex", type, type.baseUrl(),
                new Secret(ServiceAccountKeys.json("https://oauth2.example/token")), type.headers(), type.apiVersion(),
                List.of(), Timeouts.DEFAULTS);
        ChatAdapter adapter = new GeminiChatAdapter();
        UpstreamRequest up = adapter.toUpstream(GeminiFixtures.chat(
                "{\"model\":\"v/gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), p, "gemini-2.5-flash", false);

        assertThat(up.url()).isEqualTo("https://us-central1-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-central1"
                + "/publishers/google/models/gemini-2.5-flash:generateContent");
        assertThat(up.headers()).doesNotContainKeys("Authorization", "x-goog-api-key");
        assertThat(UpstreamCredentials.of(p)).isInstanceOfSatisfying(OAuthTokenCredential.class,
                c -> assertThat(c.grant().tokenUri()).isEqualTo("https://oauth2.example/token"));
    }
}
