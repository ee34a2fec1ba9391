package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import dev.switchboard.usage.UsageEvent;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /v1/embeddings to a native Gemini upstream (batchEmbedContents), driven by the OpenAI SDK. */
class GeminiEmbeddingsIT {
    static final String MODEL = "gemini-embedding-001";
    static final ObjectMapper MAPPER = new ObjectMapper();

    static FakeGeminiUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeGeminiUpstream.start();
        gateway = GatewayFixture.withYaml(upstream.gatewayYaml());
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
        gateway.usage().clear();
    }

    @AfterEach
    void upstreamRefusedNothing() {
        assertThat(upstream.rejections()).as("requests the strict fake refused").isEmpty();
    }

    static List<Float> expected(String text, int dims) {
        List<Float> out = new ArrayList<>();
        for (float f : FakeGeminiUpstream.embedding(text, dims)) {
            out.add(f);
        }
        return out;
    }

    @Test
    void floatsForABatchWithDimensions() {
        CreateEmbeddingResponse res = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("google/" + MODEL)
                .inputOfArrayOfStrings(List.of("first", "the second"))
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                .dimensions(3)
                .build());

        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.path()).isEqualTo("/v1beta/models/" + MODEL + ":batchEmbedContents");
        assertThat(seen.header("x-goog-api-key")).isEqualTo(GatewayFixture.UPSTREAM_KEY);
        JsonNode requests = seen.json().path("requests");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).path("model").asText()).isEqualTo("models/" + MODEL);
        assertThat(requests.get(1).at("/content/parts/0/text").asText()).isEqualTo("the second");
        assertThat(requests.get(1).path("outputDimensionality").asInt()).isEqualTo(3);

        assertThat(res.data()).extracting(e -> e.index()).containsExactly(0L, 1L);
        assertThat(res.data().get(0).embedding()).containsExactlyElementsOf(expected("first", 3));
        assertThat(res.data().get(1).embedding()).containsExactlyElementsOf(expected("the second", 3));
        assertThat(res.model()).as("the target's model id, never the caller's name").isEqualTo(MODEL);
        // Gemini reports no tokens for embeddings: the gateway's estimate of the input stands in ("first" and
        // "the second": 1 + 2 tokens), and the usage record says it is an estimate
        assertThat(res.usage().promptTokens()).isEqualTo(3);
        assertThat(res.usage().totalTokens()).isEqualTo(3);

        List<UsageEvent> events = gateway.usage().awaitEvents(1, Duration.ofSeconds(5));
        assertThat(events.get(0).operation()).isEqualTo("embeddings");
        assertThat(events.get(0).usageReported()).isFalse();
        assertThat(events.get(0).usageEstimated()).isTrue();
        assertThat(events.get(0).usage().promptTokens()).isEqualTo(3);
    }

    @Test
    void base64IsDecodedByTheSdk() {
        CreateEmbeddingResponse res = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("google/" + MODEL)
                .input("one text")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64)
                .build());

        assertThat(upstream.lastRequest().json().at("/requests/0").has("outputDimensionality")).isFalse();
        assertThat(res.data()).hasSize(1);
        assertThat(res.data().get(0).embedding())
                .containsExactlyElementsOf(expected("one text", FakeGeminiUpstream.EMBEDDING_DIMENSIONS));
    }

    @Test
    void base64IsLittleEndianFloat32OnTheWire() throws Exception {
        HttpResponse<String> res = gateway.post("/v1/embeddings",
                "{\"model\":\"google/" + MODEL + "\",\"input\":[\"abc\"],\"encoding_format\":\"base64\"}");

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode body = MAPPER.readTree(res.body());
        assertThat(body.path("object").asText()).isEqualTo("list");
        ByteBuffer bb = ByteBuffer.wrap(Base64.getDecoder().decode(body.at("/data/0/embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        List<Float> floats = new ArrayList<>();
        while (bb.hasRemaining()) {
            floats.add(bb.getFloat());
        }
        assertThat(floats).containsExactlyElementsOf(expected("abc", FakeGeminiUpstream.EMBEDDING_DIMENSIONS));
    }

    @Test
    void tokenArraysAre400AndNothingGoesUpstream() throws Exception {
        HttpResponse<String> res = gateway.post("/v1/embeddings", "{\"model\":\"google/" + MODEL + "\",\"input\":[[1,2,3]]}");

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(MAPPER.readTree(res.body()).at("/error/param").asText()).isEqualTo("input");
        assertThat(upstream.requests()).isEmpty();
    }
}
