package dev.switchboard.provider.anthropic;

import static dev.switchboard.provider.anthropic.AnthropicFixtures.ENDPOINT;
import static dev.switchboard.provider.anthropic.AnthropicFixtures.chat;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden: canonical (OpenAI) request → signed Anthropic upstream request, compared as JSON trees; plus the refusals. */
class AnthropicChatTranslatorTest {
    private static final String DIR = "anthropic/request";

    static Stream<Path> cases() {
        return Golden.files(DIR, ".request.json");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void canonicalRequestBecomesTheExpectedAnthropicRequest(Path requestFile) throws IOException {
        JsonNode spec = Json.MAPPER.readTree(requestFile.toFile());
        ModelRequest req = OpenAiRequestDecoder.decode(Operation.CHAT, Json.MAPPER.writeValueAsBytes(spec.get("client")));
        String before = Json.MAPPER.writeValueAsString(req.body());

        UpstreamRequest up = Signed.sign(
                AnthropicChatTranslator.toUpstream(req, ENDPOINT, spec.path("model_at_provider").asText()), ENDPOINT);

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
    void signsWithXApiKeyAndSendsTheApiVersion() {
        UpstreamRequest up = Signed.sign(AnthropicChatTranslator.toUpstream(
                chat("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), ENDPOINT, "claude-x"), ENDPOINT);
        assertThat(up.url()).isEqualTo("https://api.anthropic.com/v1/messages");
        assertThat(up.headers()).containsEntry("x-api-key", AnthropicFixtures.KEY)
                .containsEntry("anthropic-version", "2023-06-01")
                .containsEntry("Content-Type", "application/json")
                .doesNotContainKey("Authorization");
    }

    @Test
    void aConfiguredAnthropicVersionHeaderWins() {
        var endpoint = AnthropicFixtures.endpoint(Map.of("Anthropic-Version", "2099-01-01", "anthropic-beta", "x"));
        UpstreamRequest up = AnthropicChatTranslator.toUpstream(
                chat("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), endpoint, "m");
        assertThat(up.headers()).containsEntry("Anthropic-Version", "2099-01-01").containsEntry("anthropic-beta", "x")
                .doesNotContainKey("anthropic-version");
    }

    @Test
    void theDefaultMaxTokensIsTheCallersChoice() {
        JsonNode body = translate("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 1000);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(1000);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"n\":2                       | n",
            "\"logprobs\":true             | logprobs",
            "\"top_logprobs\":3            | top_logprobs",
            "\"presence_penalty\":0.5      | presence_penalty",
            "\"frequency_penalty\":-1      | frequency_penalty",
            "\"seed\":7                    | seed",
            "\"logit_bias\":{\"50256\":-100} | logit_bias",
            "\"metadata\":{\"k\":\"v\"}      | metadata",
            "\"audio\":{\"voice\":\"x\"}     | audio",
            "\"functions\":[]              | functions",
            "\"some_vendor_knob\":true     | some_vendor_knob",
            "\"temperature\":1.5           | temperature",
            "\"reasoning_effort\":\"max\"  | reasoning_effort",
            "\"stop\":7                    | stop",
            "\"max_tokens\":0              | max_tokens",
    })
    void aParameterAnthropicCannotHonourIsRefusedByName(String field, String param) {
        String json = "{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + field + "}";
        assertThatThrownBy(() -> AnthropicChatTranslator.toUpstream(chat(json), ENDPOINT, "m"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo(param);
                    assertThat(e.getMessage()).contains(param);
                });
    }

    @Test
    void neutralValuesOfUnsupportedParametersPass() {
        JsonNode body = translate("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":1,"
                + "\"logprobs\":false,\"presence_penalty\":0.0,\"frequency_penalty\":0,\"seed\":null,\"store\":false,"
                + "\"logit_bias\":{},\"modalities\":[\"text\"],\"prompt_cache_key\":\"k\"}", 4096);
        assertThat(body.has("n")).isFalse();
        assertThat(body.has("seed")).isFalse();
    }

    @Test
    void reasoningEffortBudgetIsTrimmedBelowTheClientsLimit() {
        JsonNode body = translate("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"reasoning_effort\":\"high\",\"max_completion_tokens\":5000}", 4096);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(5000);
        assertThat(body.path("thinking").toString()).isEqualTo("{\"type\":\"enabled\",\"budget_tokens\":4999}");
    }

    @Test
    void reasoningEffortNoneSendsNoThinking() {
        JsonNode body = translate("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"reasoning_effort\":\"none\"}", 4096);
        assertThat(body.has("thinking")).isFalse();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(4096);
    }

    @Test
    void reasoningEffortNeedsRoomAboveTheMinimumBudget() {
        assertRefused("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"reasoning_effort\":\"low\",\"max_tokens\":1000}",
                "max_tokens");
    }

    @Test
    void combinationsAnthropicRefusesAreRefusedUpFront() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";
        String schema = "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"object\"}}}";
        String msgs = "\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertRefused("{" + msgs + "," + tools + "," + schema + "}", "response_format");
        assertRefused("{" + msgs + ",\"reasoning_effort\":\"low\"," + schema + "}", "response_format");
        assertRefused("{" + msgs + ",\"reasoning_effort\":\"low\"," + tools + ",\"tool_choice\":\"required\"}", "tool_choice");
        assertRefused("{" + msgs + ",\"tool_choice\":\"required\"}", "tool_choice");
        assertRefused("{" + msgs + ",\"reasoning_effort\":\"low\",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000}}", "thinking");
        assertRefused("{" + msgs + ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"array\"}}}}",
                "response_format.json_schema.schema");
        assertRefused("{" + msgs + ",\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"g\"}}]}", "tools[0].type");
    }

    @Test
    void jsonObjectBecomesAForcedToolWithAnOpenSchema() {
        JsonNode body = translate("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"response_format\":{\"type\":\"json_object\"}}", 4096);
        assertThat(body.path("tools").get(0).path("name").asText()).isEqualTo(AnthropicStructuredOutput.TOOL_NAME);
        assertThat(body.path("tools").get(0).path("input_schema").toString()).isEqualTo("{\"type\":\"object\"}");
        assertThat(body.path("tool_choice").toString()).isEqualTo("{\"type\":\"tool\",\"name\":\"json_response\"}");
        assertThat(AnthropicStructuredOutput.requested(chat("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"response_format\":{\"type\":\"json_object\"}}"))).isTrue();
    }

    @Test
    void malformedMessagesAreRefusedWithTheirPath() {
        assertRefused("{\"model\":\"a/b\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{oops\"}}]}]}", "messages[0].tool_calls[0].function.arguments");
        assertRefused("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{}}]}]}",
                "messages[0].content[0].type");
        assertRefused("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"data:image/png,abc\"}}]}]}", "messages[0].content[0].image_url.url");
        assertRefused("{\"model\":\"a/b\",\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"https://x/y.png\"}}]}]}", "messages[0].content[0].type");
        assertRefused("{\"model\":\"a/b\",\"messages\":[{\"role\":\"function\",\"name\":\"f\",\"content\":\"x\"}]}", "messages[0].role");
        assertThatThrownBy(() -> AnthropicChatTranslator.toUpstream(chat("{\"model\":\"a/b\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}"),
                ENDPOINT, "m")).isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.MISSING_PARAMETER);
                    assertThat(e.param()).isEqualTo("messages[0].tool_call_id");
                });
    }

    @Test
    void plainTextFilesBecomeTextDocuments() {
        String data = Base64.getEncoder().encodeToString("héllo".getBytes(StandardCharsets.UTF_8));
        JsonNode body = translate("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\","
                + "\"file\":{\"file_data\":\"data:text/plain;base64," + data + "\"}}]}]}", 4096);
        assertThat(body.at("/messages/0/content/0").toString())
                .isEqualTo("{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"héllo\"}}");
    }

    @Test
    void onlyChatIsServed() {
        ModelRequest req = OpenAiRequestDecoder.decode(Operation.EMBEDDINGS, "{\"model\":\"a/b\",\"input\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> AnthropicChatTranslator.toUpstream(req, ENDPOINT, "m"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST));
    }

    @Test
    void toolIdsFromOtherProvidersAreMadeAcceptableOnBothSidesAlike() {
        assertThat(AnthropicToolIds.toAnthropic("toolu_01A-b")).isEqualTo("toolu_01A-b");
        assertThat(AnthropicToolIds.toAnthropic("functions.get_weather:0")).isEqualTo("functions_get_weather_0");
    }

    private static JsonNode translate(String json, int defaultMaxTokens) {
        try {
            return Json.MAPPER.readTree(AnthropicChatTranslator.toUpstream(chat(json), ENDPOINT, "m", defaultMaxTokens).body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertRefused(String json, String param) {
        assertThatThrownBy(() -> AnthropicChatTranslator.toUpstream(chat(json), ENDPOINT, "m"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo(param);
                });
    }
}
