package dev.switchboard.provider.gemini;

import static dev.switchboard.provider.gemini.GeminiFixtures.ENDPOINT;
import static dev.switchboard.provider.gemini.GeminiFixtures.chat;
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
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.testing.Golden;
import dev.switchboard.testing.Signed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden: canonical (OpenAI) request → signed Gemini upstream request, compared as JSON trees; plus the refusals. */
class GeminiChatTranslatorTest {
    private static final String DIR = "gemini/request";

    static Stream<Path> cases() {
        return Golden.files(DIR, ".request.json");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void canonicalRequestBecomesTheExpectedGeminiRequest(Path requestFile) throws IOException {
        JsonNode spec = Json.MAPPER.readTree(requestFile.toFile());
        ModelRequest req = OpenAiRequestDecoder.decode(Operation.CHAT, Json.MAPPER.writeValueAsBytes(spec.get("client")));
        String before = Json.MAPPER.writeValueAsString(req.body());

        UpstreamRequest up = Signed.sign(
                GeminiChatTranslator.toUpstream(req, ENDPOINT, spec.path("model_at_provider").asText()), ENDPOINT);

        ObjectNode actual = Json.MAPPER.createObjectNode();
        actual.put("method", up.method());
        actual.put("url", up.url());
        ObjectNode headers = actual.putObject("headers");
        up.headers().forEach(headers::put);
        actual.set("body", Json.MAPPER.readTree(up.body()));
        String expectedName = requestFile.getFileName().toString().replace(".request.json", ".upstream.json");
        if (Golden.updating()) {
            Files.writeString(Golden.sourceFile(DIR, expectedName), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
        }
        JsonNode expected = Json.MAPPER.readTree(requestFile.resolveSibling(expectedName).toFile());
        assertThat(actual).isEqualTo(expected);
        assertThat(Json.MAPPER.writeValueAsString(req.body())).as("the client's request is not mutated").isEqualTo(before);
    }

    @Test
    void modelGoesInTheUrlAndTheKeyInXGoogApiKey() {
        UpstreamRequest up = Signed.sign(GeminiChatTranslator.toUpstream(
                chat("{\"model\":\"g/x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), ENDPOINT, "gemini-2.5-flash"), ENDPOINT);
        assertThat(up.url()).isEqualTo("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(up.headers()).containsEntry("x-goog-api-key", GeminiFixtures.KEY)
                .containsEntry("Content-Type", "application/json").doesNotContainKey("Authorization");
        assertThat(new String(up.body())).doesNotContain("\"model\"").doesNotContain(GeminiFixtures.KEY);

        UpstreamRequest stream = GeminiChatTranslator.toUpstream(
                chat("{\"model\":\"g/x\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), ENDPOINT, "models/gemini-2.5-pro");
        assertThat(stream.url()).isEqualTo(
                "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"logprobs\":true                    | logprobs",
            "\"top_logprobs\":3                   | top_logprobs",
            "\"logit_bias\":{\"50256\":-100}      | logit_bias",
            "\"parallel_tool_calls\":\"no\"       | parallel_tool_calls",
            "\"functions\":[{\"name\":\"f\"}]     | functions",
            "\"audio\":{\"voice\":\"alloy\"}      | audio",
            "\"reasoning_effort\":\"extreme\"     | reasoning_effort",
            "\"response_format\":{\"type\":\"xml\"} | response_format",
    })
    void unsupportedParametersAreRefusedByName(String field, String param) {
        ModelRequest req = chat("{\"model\":\"g/x\"," + field + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThatThrownBy(() -> GeminiChatTranslator.toUpstream(req, ENDPOINT, "m"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
                    assertThat(e.param()).isEqualTo(param);
                    assertThat(e.getMessage()).contains(param);
                });
    }

    @Test
    void neutralValuesPass() {
        ModelRequest req = chat("{\"model\":\"g/x\",\"logprobs\":false,\"parallel_tool_calls\":true,\"logit_bias\":{},\"user\":\"u1\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(GeminiChatTranslator.toUpstream(req, ENDPOINT, "m").body()).isNotEmpty();
    }

    @Test
    void remoteImagesAndOrphanToolResultsAreRefused() {
        ModelRequest remote = chat("{\"model\":\"g/x\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}");
        assertThatThrownBy(() -> GeminiChatTranslator.toUpstream(remote, ENDPOINT, "m"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER));
        ModelRequest orphan = chat("{\"model\":\"g/x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"nope\",\"content\":\"42\"}]}");
        assertThatThrownBy(() -> GeminiChatTranslator.toUpstream(orphan, ENDPOINT, "m"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.param()).isEqualTo("messages[1].tool_call_id"));
    }

    @Test
    void onlyChatIsServedByTheChatTranslator() {
        ModelRequest emb = OpenAiRequestDecoder.decode(Operation.COMPLETIONS, "{\"model\":\"g/x\",\"prompt\":\"hi\"}".getBytes());
        assertThatThrownBy(() -> GeminiChatTranslator.toUpstream(emb, ENDPOINT, "m")).isInstanceOf(GatewayException.class);
    }
}
