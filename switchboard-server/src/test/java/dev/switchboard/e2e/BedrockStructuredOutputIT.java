package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.StructuredChatCompletion;
import dev.switchboard.testing.FakeBedrockUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SseEvents;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code response_format} json_schema / json_object at a Bedrock (Converse) upstream: sent as one forced tool
 * carrying the schema, answered as the JSON object in the message content, as OpenAI would answer it.
 */
class BedrockStructuredOutputIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
            + "\"population\":{\"type\":\"integer\"}},\"required\":[\"city\",\"population\"],\"additionalProperties\":false}";

    static FakeBedrockUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeBedrockUpstream.start();
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
    }

    @AfterEach
    void upstreamRefusedNothing() {
        assertThat(upstream.rejections()).as("requests the strict fake refused").isEmpty();
    }

    static String request(boolean stream, String responseFormat, String extra) {
        return "{\"model\":\"claude\",\"stream\":" + stream + "," + extra + "\"response_format\":" + responseFormat
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"A city and its population, please.\"}]}";
    }

    static String jsonSchema(String schema) {
        return "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"place\",\"strict\":true,\"schema\":" + schema + "}}";
    }

    @Test
    void jsonSchemaIsAForcedToolAndTheAnswerIsTheObjectAsContent() throws Exception {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("claude")
                .addUserMessage("A city and its population, please.")
                .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                        .name("place").strict(true)
                        .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                        "city", Map.of("type", "string"), "population", Map.of("type", "integer"))))
                                .build())
                        .build()).build())
                .build());

        JsonNode config = upstream.lastRequest().json().path("toolConfig");
        assertThat(config.path("tools")).hasSize(1);
        assertThat(config.at("/tools/0/toolSpec/name").asText()).isEqualTo("json_response");
        assertThat(config.at("/tools/0/toolSpec/inputSchema/json/properties/population/type").asText()).isEqualTo("integer");
        assertThat(config.at("/toolChoice/tool/name").asText()).isEqualTo("json_response");

        ChatCompletion.Choice choice = c.choices().get(0);
        JsonNode answer = JSON.readTree(choice.message().content().orElseThrow());
        assertThat(answer.path("city").asText()).isEqualTo("Paris");
        assertThat(answer.path("population").asInt()).isEqualTo(1);
        assertThat(choice.message().toolCalls().orElse(List.of())).isEmpty();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    }

    @Test
    void theWireAnswerHasContentAsAStringAndNoToolCalls() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", request(false, jsonSchema(SCHEMA), ""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = JSON.readTree(r.body()).at("/choices/0");
        assertThat(choice.at("/message/content").isTextual()).isTrue();
        assertThat(JSON.readTree(choice.at("/message/content").asText()))
                .isEqualTo(JSON.readTree("{\"city\":\"Paris\",\"population\":1}"));
        assertThat(choice.path("message").has("tool_calls")).isFalse();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(JSON.readTree(upstream.lastRequest().json().at("/toolConfig/tools/0/toolSpec/inputSchema/json").toString()))
                .isEqualTo(JSON.readTree(SCHEMA));
    }

    /** What the SDK's structured-output helper sends and parses back into the class. */
    public static final class Place {
        public String city;
        public long population;
    }

    @Test
    void theOpenAiSdkStructuredOutputHelperParsesTheAnswer() {
        StructuredChatCompletion<Place> c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude").addUserMessage("A city and its population, please.").responseFormat(Place.class).build());
        Place place = c.choices().get(0).message().content().orElseThrow();
        assertThat(place.city).isEqualTo("Paris");
        assertThat(place.population).isEqualTo(1);
        assertThat(upstream.lastRequest().json().at("/toolConfig/toolChoice/tool/name").asText()).isEqualTo("json_response");
    }

    @Test
    void streamedStructuredOutputArrivesAsContentDeltas() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", request(true, jsonSchema(SCHEMA), ""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(upstream.lastRequest().path()).endsWith("/converse-stream");
        StringBuilder content = new StringBuilder();
        List<String> finishes = new ArrayList<>();
        int contentChunks = 0;
        for (String data : SseEvents.data(r.body())) {
            if (data.equals("[DONE]")) {
                continue;
            }
            for (JsonNode ch : JSON.readTree(data).path("choices")) {
                assertThat(ch.path("delta").has("tool_calls")).as(data).isFalse();
                if (!ch.at("/delta/content").asText("").isEmpty()) {
                    contentChunks++;
                    content.append(ch.at("/delta/content").asText());
                }
                if (ch.hasNonNull("finish_reason")) {
                    finishes.add(ch.get("finish_reason").asText());
                }
            }
        }
        assertThat(contentChunks).as("the input JSON streamed in pieces").isGreaterThan(1);
        assertThat(JSON.readTree(content.toString())).isEqualTo(JSON.readTree("{\"city\":\"Paris\",\"population\":1}"));
        assertThat(finishes).containsExactly("stop");
    }

    @Test
    void jsonObjectIsAForcedToolWithAnOpenObjectSchema() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", request(false, "{\"type\":\"json_object\"}", ""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode config = upstream.lastRequest().json().path("toolConfig");
        assertThat(config.at("/tools/0/toolSpec/inputSchema/json")).isEqualTo(JSON.readTree("{\"type\":\"object\"}"));
        assertThat(config.at("/toolChoice/tool/name").asText()).isEqualTo("json_response");
        JsonNode choice = JSON.readTree(r.body()).at("/choices/0");
        assertThat(JSON.readTree(choice.at("/message/content").asText()).isObject()).isTrue();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void textResponseFormatAsksForNothing() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", request(false, "{\"type\":\"text\"}", ""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(upstream.lastRequest().json().has("toolConfig")).isFalse();
        assertThat(JSON.readTree(r.body()).at("/choices/0/message/content").asText()).startsWith("echo: ");
    }

    @Test
    void structuredOutputWithTheClientsOwnToolsIsRefusedAsForAnthropic() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}],";
        HttpResponse<String> r = gateway.post("/v1/chat/completions", request(false, jsonSchema(SCHEMA), tools));
        JsonNode error = assertError(r, 400, "invalid_request_error", "invalid_parameter");
        assertThat(error.path("param").asText()).isEqualTo("response_format");
        assertThat(error.path("message").asText()).contains("tools");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void malformedResponseFormatsAreA400NamingTheField() {
        Map<String, String> cases = Map.of(
                "\"json\"", "response_format",
                "{\"type\":\"xml\"}", "response_format.type",
                "{\"type\":\"json_schema\"}", "response_format.json_schema.schema",
                "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":[1,2]}}", "response_format.json_schema.schema",
                "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"array\"}}}",
                "response_format.json_schema.schema",
                "{\"type\":\"json_schema\",\"json_schema\":\"place\"}", "response_format.json_schema.schema");
        cases.forEach((format, param) -> {
            HttpResponse<String> r = gateway.post("/v1/chat/completions", request(false, format, ""));
            JsonNode error = assertError(r, 400, "invalid_request_error", "invalid_parameter");
            assertThat(error.path("param").asText()).as(format).isEqualTo(param);
        });
        assertThat(upstream.requests()).isEmpty();
    }
}
