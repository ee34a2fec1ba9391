package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Providers are data: Azure's deployment URLs and api-key header, a catalogue vendor with Bearer auth, extra headers
 * and keys from the environment, all from config. The client's key never reaches any upstream.
 */
class ProvidersIT {
    static final String AZURE_KEY = "az-upstream-key-0001";
    static final String DEEPSEEK_KEY = "ds-upstream-key-from-env-0002";
    static FakeUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        String root = "http://127.0.0.1:" + upstream.port();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: fake
                    type: openai
                    base_url: %s
                    api_key: %s
                    headers: { OpenAI-Organization: org-acme, X-Tenant: "${env:TENANT}" }
                  - { name: az, type: azure-openai, base_url: %s, api_key: %s, api_version: "2024-06-01" }
                  - { name: az-default, type: azure-openai, base_url: %s, api_key: %s }
                  - { name: ds, type: deepseek, base_url: %s, api_key: "${env:DEEPSEEK_API_KEY}" }
                models:
                  - { name: az-chat, target: az/my-gpt4o-deployment }
                keys:
                  - { name: tester, key: %s }
                """.formatted(upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, root, AZURE_KEY, root, AZURE_KEY,
                upstream.baseUrl(), GatewayFixture.KEY),
                Map.of("DEEPSEEK_API_KEY", DEEPSEEK_KEY, "TENANT", "tenant-42"));
        client = gateway.openAiClient();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
    }

    @AfterEach
    void clientKeyNeverReachedTheUpstream() {
        assertThat(upstream.requests()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.body()).doesNotContain(GatewayFixture.KEY);
            assertThat(r.query() == null ? "" : r.query()).doesNotContain(GatewayFixture.KEY);
            r.headers().forEach((name, values) -> assertThat(String.join(",", values)).as("header " + name)
                    .doesNotContain(GatewayFixture.KEY));
        });
    }

    static ChatCompletion chat(String model) {
        return client.chat().completions().create(ChatCompletionCreateParams.builder().model(model).addUserMessage("hi").build());
    }

    @Test
    void azureUsesDeploymentPathApiVersionAndApiKeyHeader() {
        ChatCompletion c = chat("az/my-gpt4o-deployment");

        assertThat(c.choices().get(0).message().content()).hasValue("echo: hi");
        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.path()).isEqualTo("/openai/deployments/my-gpt4o-deployment/chat/completions");
        assertThat(seen.query()).isEqualTo("api-version=2024-06-01");
        assertThat(seen.header("api-key")).isEqualTo(AZURE_KEY);
        assertThat(seen.header("authorization")).isNull();
    }

    @Test
    void azureThroughAnAliasAndStreamed() {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("az-chat").addUserMessage("stream").build())) {
            s.stream().forEach(ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }

        assertThat(text.toString()).isEqualTo("echo: stream");
        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.path()).isEqualTo("/openai/deployments/my-gpt4o-deployment/chat/completions");
        assertThat(seen.query()).isEqualTo("api-version=2024-06-01");
        assertThat(seen.header("api-key")).isEqualTo(AZURE_KEY);
        assertThat(seen.header("authorization")).isNull();
    }

    @Test
    void azureEmbeddingsAndCompletionsUseTheirDeploymentPaths() {
        client.embeddings().create(EmbeddingCreateParams.builder().model("az/embed-deploy").input("x")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        client.completions().create(CompletionCreateParams.builder().model("az/instruct-deploy").prompt("p").build());

        List<RecordedRequest> seen = upstream.requests();
        assertThat(seen).extracting(RecordedRequest::path)
                .containsExactly("/openai/deployments/embed-deploy/embeddings", "/openai/deployments/instruct-deploy/completions");
        assertThat(seen).allSatisfy(r -> {
            assertThat(r.query()).isEqualTo("api-version=2024-06-01");
            assertThat(r.header("api-key")).isEqualTo(AZURE_KEY);
            assertThat(r.header("authorization")).isNull();
        });
    }

    @Test
    void azureWithoutApiVersionUsesTheCataloguesVersion() {
        String catalogueVersion = ProviderCatalogue.bundled().find("azure-openai").orElseThrow().apiVersion();

        chat("az-default/dep-1");

        assertThat(catalogueVersion).isNotBlank();
        assertThat(upstream.lastRequest().path()).isEqualTo("/openai/deployments/dep-1/chat/completions");
        assertThat(upstream.lastRequest().query()).isEqualTo("api-version=" + catalogueVersion);
    }

    @Test
    void catalogueVendorUsesBearerWithTheKeyFromTheEnvironment() {
        ChatCompletion c = chat("ds/deepseek-chat");

        assertThat(c.choices().get(0).message().content()).hasValue("echo: hi");
        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        assertThat(seen.json().path("model").asText()).isEqualTo("deepseek-chat");
        assertThat(seen.header("authorization")).isEqualTo("Bearer " + DEEPSEEK_KEY);
        assertThat(seen.header("api-key")).isNull();
    }

    @Test
    void extraHeadersFromTheConfigReachTheUpstream() {
        chat("fake/gpt-4o");

        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.header("openai-organization")).isEqualTo("org-acme");
        assertThat(seen.header("x-tenant")).isEqualTo("tenant-42");
        assertThat(seen.header("authorization")).isEqualTo("Bearer " + GatewayFixture.UPSTREAM_KEY);
        assertThat(seen.header("content-type")).startsWith("application/json");
    }

    @Test
    void extraHeadersAreNotSentToOtherProviders() {
        chat("ds/deepseek-chat");
        chat("az/dep");

        assertThat(upstream.requests()).allSatisfy(r -> {
            assertThat(r.header("openai-organization")).isNull();
            assertThat(r.header("x-tenant")).isNull();
        });
    }

    @Test
    void clientHeadersAreNotForwardedWhateverWayTheKeyWasSent() {
        for (String model : List.of("fake/gpt-4o", "az/dep", "ds/deepseek-chat")) {
            String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            HttpResponse<String> viaXApiKey = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                    .header("x-api-key", GatewayFixture.KEY)
                    .header("Content-Type", "application/json")
                    .header("X-Client-Secret", "client-only-" + GatewayFixture.KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(viaXApiKey.statusCode()).isEqualTo(200);
            assertThat(upstream.lastRequest().header("x-api-key")).isNull();
            assertThat(upstream.lastRequest().header("x-client-secret")).isNull();
            HttpResponse<String> streamed = gateway.post("/v1/chat/completions", body.replace("{\"model\"", "{\"stream\":true,\"model\""));
            assertThat(streamed.statusCode()).isEqualTo(200);
        }
        client.embeddings().create(EmbeddingCreateParams.builder().model("ds/deepseek-embed").input("x")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        client.completions().create(CompletionCreateParams.builder().model("fake/gpt-4o").prompt("p").build());
        assertThat(upstream.requests()).hasSize(8);
        // the @AfterEach check covers headers, query and body of all eight
    }
}
