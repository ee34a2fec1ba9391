package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import dev.switchboard.usage.UsageEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An Anthropic client at an Anthropic provider: the request, answer, stream and errors pass through natively. */
class AnthropicPassthroughIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String PUBLIC_MODEL = "claude/" + FakeAnthropicUpstream.MODEL;

    static FakeAnthropicUpstream anthropic;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        anthropic = FakeAnthropicUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: claude
                    type: anthropic
                    base_url: %s
                    api_key: %s
                    models: [%s]
                keys:
                  - { name: tester, key: %s }
                """.formatted(anthropic.baseUrl(), FakeAnthropicUpstream.API_KEY, FakeAnthropicUpstream.MODEL,
                GatewayFixture.KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        anthropic.close();
    }

    @BeforeEach
    void reset() {
        anthropic.reset();
        gateway.usage().clear();
    }

    /** Native fields with no canonical slot; odd spacing and number forms must survive too. */
    static String agentRequest(boolean stream) {
        return """
                {"model": "%s" ,"max_tokens":1024,"top_k":40,"temperature":0.70,"stream":%s,
                 "metadata":{"user_id":"u-42"},"service_tier":"auto",
                 "thinking":{"type":"enabled","budget_tokens":512},
                 "system":[{"type":"text","text":"Be terse.","cache_control":{"type":"ephemeral"}}],
                 "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}},
                           "cache_control":{"type":"ephemeral"}}],
                 "messages":[
                  {"role":"user","content":"Weather in Paris?"},
                  {"role":"assistant","content":[
                    {"type":"thinking","thinking":"I should call the tool.","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxsig=="},
                    {"type":"text","text":"Checking.","cache_control":{"type":"ephemeral"}},
                    {"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"city":"Paris"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A","content":"sunny","is_error":false}]}]}
                """.formatted(PUBLIC_MODEL, stream);
    }

    static HttpResponse<String> post(String body, String beta) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01")
                .header("x-api-key", GatewayFixture.KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (beta != null) {
            b.header("anthropic-beta", beta);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static final String MESSAGE = "{\"id\":\"msg_01Native\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
            + "\"content\":[{\"type\":\"thinking\",\"thinking\":\"hmm\",\"signature\":\"sig==\"},"
            + "{\"type\":\"text\",\"text\":\"Sunny.\",\"citations\":null}],"
            + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"container\":null,"
            + "\"usage\":{\"input_tokens\":7,\"cache_creation_input_tokens\":3,\"cache_read_input_tokens\":120,"
            + "\"output_tokens\":11,\"service_tier\":\"standard\"}}";

    static final String STREAM = "event: message_start\n"
            + "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01S\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":7,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":120,\"output_tokens\":1}}}\n\n"
            + "event: content_block_start\n"
            + "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n"
            + "event: ping\ndata: {\"type\": \"ping\"}\n\n"
            + "event: content_block_delta\n"
            + "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQBsig==\"}}\n\n"
            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
            + "event: message_delta\n"
            + "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
            + "\"usage\":{\"output_tokens\":15}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    @Test
    void requestReachesTheProviderUnchangedButForTheModel() throws Exception {
        anthropic.enqueue((req, json) -> req.response().putHeader("content-type", "application/json").end(MESSAGE));
        String sent = agentRequest(false);
        HttpResponse<String> r = post(sent, "prompt-caching-2024-07-31,interleaved-thinking-2025-05-14");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        RecordedRequest got = anthropic.lastRequest();
        assertThat(anthropic.rejections()).isEmpty();
        String expected = sent.replace("\"" + PUBLIC_MODEL + "\"", "\"" + FakeAnthropicUpstream.MODEL + "\"");
        assertThat(got.body()).isEqualTo(expected); // byte for byte: top_k, cache_control, signature, metadata
        assertThat(got.header("anthropic-beta")).isEqualTo("prompt-caching-2024-07-31,interleaved-thinking-2025-05-14");
        assertThat(got.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(got.header("x-api-key")).isEqualTo(FakeAnthropicUpstream.API_KEY);
        assertThat(got.body()).doesNotContain(GatewayFixture.KEY);

        assertThat(r.body()).isEqualTo(MESSAGE);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(5)).get(0);
        assertThat(e.usageReported()).isTrue();
        assertThat(e.usage().cachedTokens()).isEqualTo(120);
        assertThat(e.usage().promptTokens()).isEqualTo(7 + 3 + 120);
        assertThat(e.usage().completionTokens()).isEqualTo(11);
        assertThat(e.status()).isEqualTo(200);
    }

    @Test
    void streamComesBackByteIdentical() throws Exception {
        anthropic.enqueue((req, json) -> {
            var res = req.response().setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
            int cut = STREAM.indexOf("event: content_block_delta") + 7; // split mid-event, as networks do
            res.write(STREAM.substring(0, cut));
            res.end(STREAM.substring(cut));
        });
        HttpResponse<String> r = post(agentRequest(true), "interleaved-thinking-2025-05-14");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(r.body()).isEqualTo(STREAM);
        JsonNode sent = JSON.readTree(anthropic.lastRequest().body());
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.path("top_k").asInt()).isEqualTo(40);
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(5)).get(0);
        assertThat(e.stream()).isTrue();
        assertThat(e.usage().cachedTokens()).isEqualTo(120);
        assertThat(e.usage().completionTokens()).isEqualTo(15);
    }

    @Test
    void overloadedComesBackAsAnthropicsError() throws Exception {
        anthropic.enqueue(FakeAnthropicUpstream.error(529, "overloaded_error", "Overloaded"));
        HttpResponse<String> r = post(agentRequest(false), null);
        assertThat(r.statusCode()).isEqualTo(529);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(body.path("error").path("message").asText()).isEqualTo("Overloaded");
        assertThat(r.body()).isEqualTo(FakeAnthropicUpstream.errorBody("overloaded_error", "Overloaded"));
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(5)).get(0);
        assertThat(e.status()).isEqualTo(529);
    }

    @Test
    void theGatewaysOwnCredentialFailureIsNotTheCallers() throws Exception {
        anthropic.enqueue(FakeAnthropicUpstream.error(401, "authentication_error", "invalid x-api-key"));
        HttpResponse<String> r = post(agentRequest(false), null);
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(r.body()).path("type").asText()).isEqualTo("error");
    }

    @Test
    void withoutAClientVersionTheDefaultIsSent() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json")
                .header("x-api-key", GatewayFixture.KEY)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"" + PUBLIC_MODEL + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(anthropic.lastRequest().header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(anthropic.lastRequest().header("anthropic-beta")).isNull();
        ObjectNode m = (ObjectNode) JSON.readTree(r.body());
        assertThat(m.path("type").asText()).isEqualTo("message");
    }
}
