package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's structured outputs ({@code output_config.format}, and the older beta {@code output_format}) on
 * {@code /v1/messages} routed to a translated provider: the schema must reach the upstream as
 * {@code response_format} json_schema and the answer come back as the JSON text, as @anthropic-ai/sdk's
 * {@code messages.parse} and the AI SDK's {@code structuredOutputMode: 'outputFormat'} expect. Found by the
 * client-compatibility suite: the field used to be dropped, and the client got prose where it asked for JSON.
 */
class AnthropicOutputFormatIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"],"
            + "\"additionalProperties\":false}";

    static FakeUpstream openAi;
    static FakeAnthropicUpstream anthropic;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        openAi = FakeUpstream.start().schemaAware();
        anthropic = FakeAnthropicUpstream.start().schemaAware();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: "%s", api_key: %s, models: [gpt-4o] }
                  - { name: claude, type: anthropic, base_url: "%s", api_key: %s, models: [%s] }
                keys:
                  - { name: tester, key: %s }
                """.formatted(openAi.baseUrl(), GatewayFixture.UPSTREAM_KEY, anthropic.baseUrl(),
                FakeAnthropicUpstream.API_KEY, FakeAnthropicUpstream.MODEL, GatewayFixture.KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        anthropic.close();
        openAi.close();
    }

    @BeforeEach
    void clear() {
        openAi.reset();
        anthropic.reset();
    }

    static HttpResponse<String> post(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-api-key", GatewayFixture.KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String request(String model, String formatField) {
        return """
                {"model":"%s","max_tokens":256,"messages":[{"role":"user","content":"Invent a person"}],%s}
                """.formatted(model, formatField);
    }

    @Test
    void outputConfigFormatBecomesResponseFormatJsonSchema() throws Exception {
        HttpResponse<String> res = post(request("fake/gpt-4o", "\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}"));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode sent = openAi.lastRequest().json();
        assertThat(sent.at("/response_format/type").asText()).isEqualTo("json_schema");
        assertThat(sent.at("/response_format/json_schema/schema")).isEqualTo(JSON.readTree(SCHEMA));
        JsonNode answer = JSON.readTree(res.body());
        assertThat(JSON.readTree(answer.at("/content/0/text").asText())).isEqualTo(JSON.readTree("{\"name\":\"name-1\"}"));
    }

    @Test
    void theBetaOutputFormatFieldToo() throws Exception {
        HttpResponse<String> res = post(request("fake/gpt-4o", "\"output_format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}"));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(openAi.lastRequest().json().at("/response_format/json_schema/schema")).isEqualTo(JSON.readTree(SCHEMA));
    }

    @Test
    void aStreamAnswersWithTheJsonText() throws Exception {
        HttpResponse<String> res = post(request("fake/gpt-4o",
                "\"stream\":true,\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}"));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        StringBuilder text = new StringBuilder();
        for (String frame : res.body().split("\n\n")) {
            for (String line : frame.split("\n")) {
                if (line.startsWith("data: ")) {
                    JsonNode d = JSON.readTree(line.substring(6));
                    text.append(d.at("/delta/text").asText(""));
                }
            }
        }
        assertThat(JSON.readTree(text.toString())).isEqualTo(JSON.readTree("{\"name\":\"name-1\"}"));
    }

    @Test
    void theNativeRouteSendsTheFieldAsIs() throws Exception {
        HttpResponse<String> res = post(request("claude/" + FakeAnthropicUpstream.MODEL,
                "\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}"));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(anthropic.lastRequest().json().at("/output_config/format/schema")).isEqualTo(JSON.readTree(SCHEMA));
        assertThat(anthropic.lastRequest().json().has("response_format")).isFalse();
    }

    @Test
    void theNativeRouteKeepsToolsBesideTheFormat() throws Exception {
        HttpResponse<String> res = post(request("claude/" + FakeAnthropicUpstream.MODEL,
                "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}],"
                        + "\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}"));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode sent = anthropic.lastRequest().json();
        assertThat(sent.at("/tools/0/name").asText()).isEqualTo("get_weather");
        assertThat(sent.has("output_config")).isTrue();
    }

    @Test
    void aFormatOfAnUnknownTypeIsRefusedInAnthropicsShape() throws Exception {
        HttpResponse<String> res = post(request("fake/gpt-4o", "\"output_config\":{\"format\":{\"type\":\"xml\"}}"));

        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode err = JSON.readTree(res.body());
        assertThat(err.path("type").asText()).isEqualTo("error");
        assertThat(err.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(err.at("/error/message").asText()).contains("output_config.format");
        assertThat(openAi.requests()).isEmpty();
    }

    @Test
    void aJsonSchemaFormatWithoutASchemaIsRefused() throws Exception {
        HttpResponse<String> res = post(request("fake/gpt-4o", "\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":\"x\"}}"));

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).at("/error/message").asText()).contains("output_config.format.schema");
        assertThat(openAi.requests()).isEmpty();
    }

    @Test
    void aWrongTypedOutputConfigIsRefused() throws Exception {
        HttpResponse<String> res = post(request("fake/gpt-4o", "\"output_config\":[1,2]"));

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).at("/error/message").asText()).contains("output_config");
    }
}
