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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Anthropic-speaking clients at {@code /v1/messages}, served by an OpenAI upstream and by an Anthropic upstream. */
class AnthropicIngressIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static FakeUpstream openAi;
    static FakeAnthropicUpstream anthropic;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        openAi = FakeUpstream.start();
        anthropic = FakeAnthropicUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: fake
                    type: openai
                    base_url: %s
                    api_key: %s
                    models: [gpt-4o]
                  - name: claude
                    type: anthropic
                    base_url: %s
                    api_key: %s
                    models: [%s]
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

    static HttpResponse<String> post(String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("x-api-key", key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String hello(String model, boolean stream) {
        return """
                {"model":"%s","max_tokens":256,"stream":%s,"system":"Be terse.",
                 "messages":[{"role":"user","content":[{"type":"text","text":"hello there"}]}]}
                """.formatted(model, stream);
    }

    static List<String> eventTypes(String sse) throws Exception {
        List<String> types = new ArrayList<>();
        for (String frame : sse.split("\n\n")) {
            if (frame.isBlank()) {
                continue;
            }
            String[] lines = frame.split("\n");
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            String type = lines[0].substring(7);
            assertThat(JSON.readTree(lines[1].substring(6)).path("type").asText()).isEqualTo(type);
            types.add(type);
        }
        return types;
    }

    static final List<String> TEXT_SEQUENCE = List.of("message_start", "content_block_start", "ping",
            "content_block_delta", "content_block_stop", "message_delta", "message_stop");

    @Test
    void nonStreamedTextFromBothUpstreams() throws Exception {
        for (String model : List.of("fake/gpt-4o", "claude/" + FakeAnthropicUpstream.MODEL)) {
            HttpResponse<String> r = post("/v1/messages", GatewayFixture.KEY, hello(model, false));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode m = JSON.readTree(r.body());
            assertThat(m.path("type").asText()).isEqualTo("message");
            assertThat(m.path("role").asText()).isEqualTo("assistant");
            assertThat(m.path("id").asText()).startsWith("msg_");
            assertThat(m.path("content").get(0).path("type").asText()).isEqualTo("text");
            assertThat(m.path("content").get(0).path("text").asText()).isEqualTo("echo: hello there");
            assertThat(m.path("stop_reason").asText()).isEqualTo("end_turn");
            assertThat(m.path("usage").path("output_tokens").asLong()).isPositive();
        }
        assertThat(anthropic.lastRequest().json().path("system").toString()).contains("Be terse.");
        assertThat(anthropic.rejections()).isEmpty();
        // cache reads come back as Anthropic reported them
        HttpResponse<String> r = post("/v1/messages", GatewayFixture.KEY, hello("claude/" + FakeAnthropicUpstream.MODEL, false));
        JsonNode usage = JSON.readTree(r.body()).path("usage");
        assertThat(usage.path("input_tokens").asLong()).isEqualTo(FakeAnthropicUpstream.INPUT_TOKENS);
        assertThat(usage.path("cache_read_input_tokens").asLong()).isEqualTo(FakeAnthropicUpstream.CACHE_READ_TOKENS);
        assertThat(usage.path("output_tokens").asLong()).isEqualTo(FakeAnthropicUpstream.OUTPUT_TOKENS);
    }

    @Test
    void streamsAreAnthropicsExactEventSequence() throws Exception {
        for (String model : List.of("fake/gpt-4o", "claude/" + FakeAnthropicUpstream.MODEL)) {
            HttpResponse<String> r = post("/v1/messages", GatewayFixture.KEY, hello(model, true));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            List<String> types = eventTypes(r.body());
            assertThat(types.get(0)).isEqualTo("message_start");
            assertThat(types.subList(0, 3)).isEqualTo(TEXT_SEQUENCE.subList(0, 3));
            assertThat(types.subList(types.size() - 3, types.size()))
                    .isEqualTo(List.of("content_block_stop", "message_delta", "message_stop"));
            assertThat(types).containsOnly(TEXT_SEQUENCE.toArray(String[]::new));
            assertThat(r.body()).doesNotContain("[DONE]").doesNotContain("chat.completion");
            StringBuilder text = new StringBuilder();
            for (String frame : r.body().split("\n\n")) {
                if (frame.startsWith("event: content_block_delta")) {
                    text.append(JSON.readTree(frame.substring(frame.indexOf("data: ") + 6)).path("delta").path("text").asText());
                }
                if (frame.startsWith("event: message_delta")) {
                    JsonNode d = JSON.readTree(frame.substring(frame.indexOf("data: ") + 6));
                    assertThat(d.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
                    assertThat(d.path("usage").path("output_tokens").asLong()).isPositive();
                }
            }
            assertThat(text.toString()).isEqualTo("echo: hello there");
        }
        assertThat(anthropic.rejections()).isEmpty();
    }

    @Test
    void toolRoundTrip() throws Exception {
        String tools = "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather for a city\","
                + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]";
        for (String model : List.of("fake/gpt-4o", "claude/" + FakeAnthropicUpstream.MODEL)) {
            HttpResponse<String> first = post("/v1/messages", GatewayFixture.KEY, """
                    {"model":"%s","max_tokens":256,%s,"tool_choice":{"type":"any"},
                     "messages":[{"role":"user","content":"weather in Paris?"}]}
                    """.formatted(model, tools));
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            JsonNode m = JSON.readTree(first.body());
            assertThat(m.path("stop_reason").asText()).isEqualTo("tool_use");
            JsonNode use = null;
            StringBuilder results = new StringBuilder();
            for (JsonNode b : m.path("content")) {
                if (b.path("type").asText().equals("tool_use")) {
                    use = use == null ? b : use;
                    results.append(results.isEmpty() ? "" : ",").append("{\"type\":\"tool_result\",\"tool_use_id\":\"")
                            .append(b.path("id").asText()).append("\",\"content\":\"sunny, 21C\"}");
                }
            }
            assertThat(use).as(first.body()).isNotNull();
            assertThat(use.path("name").asText()).isEqualTo("get_weather");
            assertThat(use.path("input").isObject()).isTrue();

            HttpResponse<String> second = post("/v1/messages", GatewayFixture.KEY, """
                    {"model":"%s","max_tokens":256,%s,
                     "messages":[{"role":"user","content":"weather in Paris?"},
                       {"role":"assistant","content":%s},
                       {"role":"user","content":[%s]}]}
                    """.formatted(model, tools, m.path("content").toString(), results));
            assertThat(second.statusCode()).as(second.body() + " sent: " + (model.startsWith("claude/") ? anthropic.lastRequest().json() : "")).isEqualTo(200);
            JsonNode answer = JSON.readTree(second.body());
            if (model.startsWith("claude/")) {
                assertThat(answer.path("content").toString()).contains("sunny, 21C"); // the fake echoes tool results
            } else {
                JsonNode sent = openAi.lastRequest().json().path("messages");
                assertThat(sent.get(1).path("tool_calls").get(0).path("id").asText()).isEqualTo(use.path("id").asText());
                assertThat(sent.get(2).path("role").asText()).isEqualTo("tool");
                assertThat(sent.get(2).path("content").asText()).isEqualTo("sunny, 21C");
                assertThat(answer.path("stop_reason").asText()).isEqualTo("end_turn");
            }
        }
        assertThat(anthropic.rejections()).isEmpty();
    }

    @Test
    void errorsAreAnthropicShaped() throws Exception {
        assertError(post("/v1/messages", null, hello("fake/gpt-4o", false)), 401, "authentication_error");
        assertError(post("/v1/messages", "sk-wrong", hello("fake/gpt-4o", false)), 401, "authentication_error");
        assertError(post("/v1/messages", GatewayFixture.KEY, hello("nope/unknown", false)), 404, "not_found_error");
        HttpResponse<String> r = post("/v1/messages", GatewayFixture.KEY,
                "{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertError(r, 400, "invalid_request_error");
        assertThat(JSON.readTree(r.body()).path("error").path("message").asText()).isEqualTo("max_tokens: Field required");
        assertError(post("/v1/messages", GatewayFixture.KEY, "{not json"), 400, "invalid_request_error");
    }

    @Test
    void countTokensEstimates() throws Exception {
        HttpResponse<String> r = post("/v1/messages/count_tokens", GatewayFixture.KEY,
                "{\"model\":\"claude/" + FakeAnthropicUpstream.MODEL + "\",\"system\":\"Be terse.\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hello there, how are you today?\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.size()).isEqualTo(1);
        assertThat(n.path("input_tokens").asLong()).isBetween(5L, 40L);
        assertError(post("/v1/messages/count_tokens", GatewayFixture.KEY,
                "{\"model\":\"nope/x\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 404, "not_found_error");
    }

    static void assertError(HttpResponse<String> r, int status, String type) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.path("type").asText()).as(r.body()).isEqualTo("error");
        assertThat(n.path("error").path("type").asText()).as(r.body()).isEqualTo(type);
        assertThat(n.path("error").path("message").asText()).isNotBlank();
    }
}
