package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.errors.NotFoundException;
import com.openai.models.models.Model;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /v1/models and /v1/models/{id}: each key sees the models it may use, in OpenAI's shape. */
class ModelsIT {
    static final String LIMITED_KEY = "sk-limited-key-789";
    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: fake
                    type: openai
                    base_url: %s
                    api_key: %s
                    models: [gpt-4o, text-embedding-3-small]
                models:
                  - { name: smart, target: fake/gpt-4o }
                  - { name: embed, target: fake/text-embedding-3-small }
                keys:
                  - { name: tester, key: %s }
                  - { name: limited, key: %s, models: [smart] }
                """.formatted(upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY, LIMITED_KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static List<String> ids(OpenAIClient client) {
        return client.models().list().data().stream().map(Model::id).toList();
    }

    @Test
    void listShowsAliasesAndDeclaredProviderModels() {
        List<String> ids = ids(gateway.openAiClient());

        assertThat(ids).containsExactlyInAnyOrder("smart", "embed", "fake/gpt-4o", "fake/text-embedding-3-small");
    }

    @Test
    void aKeyLimitedToOneModelSeesOnlyThatModel() {
        List<String> all = ids(gateway.openAiClient());
        List<String> limited = ids(gateway.openAiClient(LIMITED_KEY));

        assertThat(limited).containsExactly("smart");
        assertThat(limited).isNotEqualTo(all);
        assertThat(upstream.requests()).as("the list is answered by the gateway itself").isEmpty();
    }

    @Test
    void listEntriesHaveOpenAiShape() throws Exception {
        HttpResponse<String> res = gateway.get("/v1/models");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = new ObjectMapper().readTree(res.body());
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("data")).allSatisfy(m -> {
            assertThat(m.path("object").asText()).isEqualTo("model");
            assertThat(m.path("id").asText()).isNotBlank();
            assertThat(m.path("created").isIntegralNumber()).isTrue();
            assertThat(m.path("owned_by").asText()).isNotBlank();
        });
    }

    @Test
    void retrieveAnAlias() {
        Model m = gateway.openAiClient().models().retrieve("smart");

        assertThat(m.id()).isEqualTo("smart");
        assertThat(gateway.openAiClient(LIMITED_KEY).models().retrieve("smart").id()).isEqualTo("smart");
    }

    @Test
    void retrieveAProviderModelWithASlashInItsId() {
        Model m = gateway.openAiClient().models().retrieve("fake/gpt-4o");

        assertThat(m.id()).isEqualTo("fake/gpt-4o");
        assertThat(m.ownedBy()).isEqualTo("fake");
    }

    @Test
    void retrieveByRawPath() throws Exception {
        HttpResponse<String> res = gateway.get("/v1/models/fake/text-embedding-3-small");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(res.body()).path("id").asText()).isEqualTo("fake/text-embedding-3-small");
    }

    @Test
    void aModelTheKeyMayNotUseIsNotFoundForThatKey() {
        assertThatThrownBy(() -> gateway.openAiClient(LIMITED_KEY).models().retrieve("fake/gpt-4o"))
                .isInstanceOf(NotFoundException.class);
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/models/embed"))
                .header("Authorization", "Bearer " + LIMITED_KEY).GET().build());
        assertThat(res.statusCode()).isEqualTo(404);
    }
}
