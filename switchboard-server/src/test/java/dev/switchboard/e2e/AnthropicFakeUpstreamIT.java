package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.FakeAnthropicUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake Anthropic upstream itself, called directly: it must be as strict as the real API, or the gateway
 * tests that pass against it prove nothing.
 */
class AnthropicFakeUpstreamIT {
    static final String USER = "{\"role\":\"user\",\"content\":\"hi\"}";

    static FakeAnthropicUpstream upstream;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        upstream = FakeAnthropicUpstream.start();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
    }

    static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream.baseUrl().replace("/v1", "") + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> messages(String body) throws Exception {
        return post("/v1/messages", body, "x-api-key", FakeAnthropicUpstream.API_KEY, "anthropic-version", "2023-06-01",
                "content-type", "application/json");
    }

    static String request(String messages, String extra) {
        return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100," + extra + "\"messages\":[" + messages + "]}";
    }

    static void assertInvalid(HttpResponse<String> r, String messagePart) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode root = AnthropicStreamingIT.json(r.body());
        assertThat(root.path("type").asText()).isEqualTo("error");
        assertThat(root.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(root.path("error").path("message").asText()).contains(messagePart);
    }

    @Test
    void acceptsAValidRequestAndAnswersInAnthropicsShape() throws Exception {
        HttpResponse<String> r = messages(request(USER, "\"system\":\"be brief\","));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode m = AnthropicStreamingIT.json(r.body());
        assertThat(m.path("type").asText()).isEqualTo("message");
        assertThat(m.path("content").get(0).path("text").asText()).isEqualTo("echo: hi");
        assertThat(m.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(m.path("usage").path("cache_read_input_tokens").asInt()).isEqualTo(FakeAnthropicUpstream.CACHE_READ_TOKENS);
    }

    @Test
    void streamsTheDocumentedEventSequence() throws Exception {
        HttpResponse<String> r = messages(request(USER, "\"stream\":true,"));
        List<String> names = new ArrayList<>();
        r.body().lines().filter(l -> l.startsWith("event: ")).forEach(l -> names.add(l.substring(7)));
        assertThat(names).containsExactly("message_start", "content_block_start", "ping", "content_block_delta",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
    }

    @Test
    void requiresItsHeaders() throws Exception {
        HttpResponse<String> noKey = post("/v1/messages", request(USER, ""), "anthropic-version", "2023-06-01",
                "content-type", "application/json");
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.body()).contains("authentication_error");
        HttpResponse<String> bearer = post("/v1/messages", request(USER, ""), "authorization", "Bearer " + FakeAnthropicUpstream.API_KEY,
                "anthropic-version", "2023-06-01", "content-type", "application/json");
        assertThat(bearer.statusCode()).isEqualTo(401);
        assertInvalid(post("/v1/messages", request(USER, ""), "x-api-key", FakeAnthropicUpstream.API_KEY,
                "content-type", "application/json"), "anthropic-version");
        assertThat(post("/v1/chat/completions", request(USER, ""), "x-api-key", FakeAnthropicUpstream.API_KEY,
                "anthropic-version", "2023-06-01", "content-type", "application/json").statusCode()).isEqualTo(404);
    }

    @Test
    void refusesWhatTheRealApiRefuses() throws Exception {
        assertInvalid(messages("{\"model\":\"m\",\"messages\":[" + USER + "]}"), "max_tokens: Field required");
        assertInvalid(messages(request("{\"role\":\"system\",\"content\":\"x\"}," + USER, "")), "Unexpected role \"system\"");
        assertInvalid(messages(request(USER, "\"n\":1,")), "n: Extra inputs are not permitted");
        assertInvalid(messages(request(USER, "\"stream_options\":{\"include_usage\":true},")), "stream_options");
        assertInvalid(messages(request(USER + "," + USER, "")), "roles must alternate");
        assertInvalid(messages(request("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\"}]}", "")), "non-empty");
        assertInvalid(messages(request(USER, "\"tool_choice\":{\"type\":\"any\"},")), "tool_choice");
    }

    @Test
    void toolResultsMustAnswerTheCallsOfThePreviousAssistantMessage() throws Exception {
        String call = "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}}]}";
        String answer = "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"%s\",\"content\":\"ok\"}]}";
        String tools = "\"tools\":[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}],";
        HttpResponse<String> ok = messages(request(USER + "," + call + "," + answer.formatted("toolu_1"), tools));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertInvalid(messages(request(USER + "," + call + "," + answer.formatted("toolu_2"), tools)), "tool_use_id");
        assertInvalid(messages(request(USER + "," + call + "," + USER, tools)), "without `tool_result`");
        assertInvalid(messages(request(answer.formatted("toolu_1"), tools)), "tool_use_id");
        assertInvalid(messages(request(USER + "," + call + "," + answer.formatted("toolu_1"), "")), "must define tools");
        assertThat(upstream.rejections()).hasSize(4);
    }
}
