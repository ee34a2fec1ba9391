package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /v1/embeddings (float and base64) and the legacy POST /v1/completions through the OpenAI SDK. */
class EmbeddingsAndCompletionsIT {
    static FakeUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.openAi(upstream);
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

    @Test
    void embeddingsAsFloats() {
        CreateEmbeddingResponse res = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("fake/text-embedding-3-small")
                .inputOfArrayOfStrings(List.of("first", "second"))
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                .dimensions(4)
                .build());

        assertThat(res.data()).hasSize(2);
        assertThat(res.data()).extracting(e -> e.index()).containsExactly(0L, 1L);
        assertThat(res.data().get(1).embedding()).containsExactly(0.25f, -0.5f, 0.125f, 1.0f);
        assertThat(res.usage().promptTokens()).isEqualTo(10);

        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.path()).isEqualTo("/v1/embeddings");
        JsonNode body = seen.json();
        assertThat(body.path("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(body.path("encoding_format").asText()).isEqualTo("float");
        assertThat(body.path("dimensions").asInt()).isEqualTo(4);
        assertThat(body.path("input").toString()).isEqualTo("[\"first\",\"second\"]");
        assertThat(body.has("stream_options")).as("embeddings are never asked for stream usage").isFalse();
    }

    @Test
    void embeddingsAsBase64AreDecodedByTheSdk() {
        CreateEmbeddingResponse res = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("fake/text-embedding-3-small")
                .input("one text")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64)
                .build());

        assertThat(upstream.lastRequest().json().path("encoding_format").asText()).isEqualTo("base64");
        assertThat(res.data()).hasSize(1);
        assertThat(res.data().get(0).embedding()).containsExactly(0.25f, -0.5f, 0.125f, 1.0f);
    }

    @Test
    void base64EmbeddingBytesAreRelayedVerbatim() {
        var res = gateway.post("/v1/embeddings",
                "{\"model\":\"fake/text-embedding-3-small\",\"input\":\"x\",\"encoding_format\":\"base64\"}");

        assertThat(res.statusCode()).isEqualTo(200);
        String b64 = readTree(res.body()).path("data").get(0).path("embedding").asText();
        ByteBuffer bb = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] floats = new float[bb.remaining() / 4];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = bb.getFloat();
        }
        assertThat(floats).containsExactly(0.25f, -0.5f, 0.125f, 1.0f);
    }

    @Test
    void legacyCompletions() {
        Completion c = client.completions().create(CompletionCreateParams.builder()
                .model("fake/gpt-4o")
                .prompt("Say this is a test")
                .maxTokens(7)
                .temperature(0.0)
                .build());

        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).text()).isEqualTo("echo: Say this is a test");
        assertThat(c.choices().get(0).finishReason().asString()).isEqualTo("stop");
        assertThat(c.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(3));

        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.path()).isEqualTo("/v1/completions");
        assertThat(seen.json().path("model").asText()).isEqualTo("gpt-4o");
        assertThat(seen.json().path("prompt").asText()).isEqualTo("Say this is a test");
        assertThat(seen.json().path("max_tokens").asInt()).isEqualTo(7);
        assertThat(seen.header("authorization")).isEqualTo("Bearer " + GatewayFixture.UPSTREAM_KEY);
    }

    @Test
    void legacyCompletionsThroughAnAlias() {
        Completion c = client.completions().create(CompletionCreateParams.builder()
                .model("smart")
                .prompt("alias")
                .build());

        assertThat(c.choices().get(0).text()).isEqualTo("echo: alias");
        assertThat(upstream.lastRequest().json().path("model").asText()).isEqualTo("gpt-4o");
    }

    private static JsonNode readTree(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError(s, e);
        }
    }
}
