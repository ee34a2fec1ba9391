package dev.switchboard.provider.gemini;

import static dev.switchboard.provider.gemini.GeminiFixtures.ENDPOINT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.openai.OpenAiRequestDecoder;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.testing.Golden;
import dev.switchboard.testing.Signed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden: an OpenAI embeddings request → the signed batchEmbedContents request, and Gemini's answer → OpenAI's
 * embeddings list plus the usage record, in one expected file per case; plus the refusals.
 */
class GeminiEmbeddingsTest {
    private static final String DIR = "gemini/embeddings";
    private static final ChatAdapter ADAPTER = new GeminiChatAdapter();

    static Stream<Path> cases() {
        return Golden.files(DIR, ".case.json");
    }

    static ModelRequest embeddings(String json) {
        return OpenAiRequestDecoder.decode(Operation.EMBEDDINGS, json.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void embeddingsRoundTripAsExpected(Path caseFile) throws IOException {
        JsonNode spec = Json.MAPPER.readTree(caseFile.toFile());
        ModelRequest req = OpenAiRequestDecoder.decode(Operation.EMBEDDINGS, Json.MAPPER.writeValueAsBytes(spec.get("client")));
        UpstreamRequest up = Signed.sign(
                ADAPTER.toUpstream(req, ENDPOINT, spec.path("model_at_provider").asText(), false), ENDPOINT);
        ChatAdapter.Answer answer = ADAPTER.fromUpstream(req, ENDPOINT, Json.MAPPER.writeValueAsBytes(spec.get("gemini_response")));

        ObjectNode actual = Json.MAPPER.createObjectNode();
        ObjectNode upstream = actual.putObject("upstream");
        upstream.put("method", up.method());
        upstream.put("url", up.url());
        ObjectNode headers = upstream.putObject("headers");
        up.headers().forEach(headers::put);
        upstream.set("body", Json.MAPPER.readTree(up.body()));
        actual.set("answer", Json.MAPPER.readTree(answer.body()));
        actual.set("usage_record", Json.MAPPER.valueToTree(answer.usage()));
        String expectedName = caseFile.getFileName().toString().replace(".case.json", ".expected.json");
        if (Golden.updating()) {
            Files.writeString(Golden.sourceFile(DIR, expectedName), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
        }
        assertThat(actual).isEqualTo(Json.MAPPER.readTree(caseFile.resolveSibling(expectedName).toFile()));
    }

    @Test
    void base64IsLittleEndianFloat32() {
        ModelRequest req = embeddings("{\"model\":\"g/x\",\"input\":\"a\",\"encoding_format\":\"base64\"}");
        ChatAdapter.Answer a = ADAPTER.fromUpstream(req, ENDPOINT,
                "{\"embeddings\":[{\"values\":[0.1,-3.5]}]}".getBytes(StandardCharsets.UTF_8));
        String b64 = readTree(a.body()).at("/data/0/embedding").asText();
        ByteBuffer bb = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bb.remaining()).isEqualTo(8);
        assertThat(bb.getFloat()).isEqualTo(0.1f);
        assertThat(bb.getFloat()).isEqualTo(-3.5f);
    }

    @Test
    void usageMetadataIsUsedWhenGeminiReportsIt() {
        ModelRequest req = embeddings("{\"model\":\"g/x\",\"input\":\"a\"}");
        ChatAdapter.Answer a = ADAPTER.fromUpstream(req, ENDPOINT,
                "{\"embeddings\":[{\"values\":[1]}],\"usageMetadata\":{\"promptTokenCount\":7}}".getBytes(StandardCharsets.UTF_8));
        assertThat(a.usage().promptTokens()).isEqualTo(7);
        assertThat(readTree(a.body()).at("/usage/total_tokens").asLong()).isEqualTo(7);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"model\":\"g/x\",\"input\":[1,2,3]}|input",
            "{\"model\":\"g/x\",\"input\":[]}|input",
            "{\"model\":\"g/x\",\"input\":\"a\",\"dimensions\":0}|dimensions",
            "{\"model\":\"g/x\",\"input\":\"a\",\"encoding_format\":\"int8\"}|encoding_format",
            "{\"model\":\"g/x\",\"input\":\"a\",\"task_type\":\"X\"}|task_type"})
    void badParametersAre400NamingTheParameter(String json, String param) {
        assertThatThrownBy(() -> ADAPTER.toUpstream(embeddings(json), ENDPOINT, "m", false))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
                    assertThat(e.param()).isEqualTo(param);
                });
    }

    @Test
    void anAnswerWithoutEmbeddingsIsAnUpstreamError() {
        ModelRequest req = embeddings("{\"model\":\"g/x\",\"input\":\"a\"}");
        assertThatThrownBy(() -> ADAPTER.fromUpstream(req, ENDPOINT, "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_SERVER_ERROR));
    }

    @Test
    void legacyCompletionsAreStillRefused() {
        ModelRequest req = OpenAiRequestDecoder.decode(Operation.COMPLETIONS,
                "{\"model\":\"g/x\",\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ADAPTER.toUpstream(req, ENDPOINT, "m", false))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST));
    }

    private static JsonNode readTree(byte[] b) {
        try {
            return Json.MAPPER.readTree(b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
