package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gemini on Vertex AI: a {@code vertex-gemini} provider whose api_key is a service-account JSON (from the
 * environment); the gateway exchanges a signed JWT at the fake token endpoint and sends the Bearer token,
 * cached across requests, to the Vertex path.
 */
class GeminiVertexIT {
    static final String EMAIL = "switchboard@fake-project.iam.gserviceaccount.com";
    static final ObjectMapper MAPPER = new ObjectMapper();

    static FakeGeminiUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair keys = g.generateKeyPair();
        upstream = FakeGeminiUpstream.start();
        upstream.trustServiceAccount(EMAIL, keys.getPublic());
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        String sa = MAPPER.createObjectNode().put("type", "service_account").put("project_id", FakeGeminiUpstream.PROJECT)
                .put("private_key_id", "k1").put("private_key", pem).put("client_email", EMAIL)
                .put("token_uri", upstream.tokenUri()).toString();
        String yaml = """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: vertex
                    type: vertex-gemini
                    base_url: %s
                    api_key: ${env:VERTEX_SA_JSON}
                models:
                  - { name: flash, target: vertex/%s }
                keys:
                  - { name: tester, key: %s }
                """.formatted(upstream.vertexBaseUrl(), FakeGeminiUpstream.MODEL, GatewayFixture.KEY);
        gateway = GatewayFixture.withYaml(yaml, Map.of("VERTEX_SA_JSON", sa));
        client = gateway.openAiClient();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @AfterEach
    void upstreamRefusedNothing() {
        assertThat(upstream.rejections()).as("requests the strict fake refused").isEmpty();
    }

    @Test
    void chatAndEmbeddingsUseOneCachedBearerToken() {
        ChatCompletion first = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("flash").addUserMessage("hello vertex").build());
        ChatCompletion second = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("vertex/" + FakeGeminiUpstream.MODEL).addUserMessage("again").build());
        CreateEmbeddingResponse emb = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("vertex/text-embedding-005").input("vector please").build());

        assertThat(first.choices().get(0).message().content()).hasValue("echo: hello vertex");
        assertThat(second.choices().get(0).message().content()).hasValue("echo: again");
        assertThat(emb.data()).hasSize(1);
        assertThat(upstream.tokensIssued()).as("one exchange, then the cached token").isEqualTo(1);

        List<RecordedRequest> calls = upstream.requests().stream().filter(r -> !r.path().equals(FakeGeminiUpstream.TOKEN_PATH)).toList();
        assertThat(calls).hasSize(3);
        assertThat(calls.get(0).path()).isEqualTo("/v1/projects/" + FakeGeminiUpstream.PROJECT + "/locations/"
                + FakeGeminiUpstream.REGION + "/publishers/google/models/" + FakeGeminiUpstream.MODEL + ":generateContent");
        assertThat(calls.get(2).path()).endsWith("/publishers/google/models/text-embedding-005:batchEmbedContents");
        assertThat(calls).allSatisfy(r -> {
            assertThat(r.header("authorization")).isEqualTo("Bearer ya29.fake-1");
            assertThat(r.header("x-goog-api-key")).isNull();
        });
        RecordedRequest token = upstream.requests().stream().filter(r -> r.path().equals(FakeGeminiUpstream.TOKEN_PATH))
                .findFirst().orElseThrow();
        assertThat(token.body()).startsWith("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=");
    }
}
