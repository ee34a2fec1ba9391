package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.ErrorBodies;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code parallel_tool_calls: false} (Anthropic's {@code disable_parallel_tool_use}) where the provider has its own
 * switch: passed natively, from either ingress dialect, never refused or dropped. OpenAI-compatible upstreams get
 * the field as it is, Anthropic gets {@code disable_parallel_tool_use}. (Gemini, which has none, is
 * {@link GeminiSingleToolCallIT}.)
 */
class ParallelToolCallsIT {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String OPENAI = "fake/gpt-4o";
    static final String CLAUDE = "claude/" + FakeAnthropicUpstream.MODEL;
    static final String OPENAI_TOOL = """
            {"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}""";
    static final String ANTHROPIC_TOOL = """
            {"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}""";

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
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                  - { name: claude, type: anthropic, base_url: %s, api_key: %s, models: [%s] }
                keys:
                  - { name: tester, key: %s }
                """.formatted(openAi.baseUrl(), GatewayFixture.UPSTREAM_KEY, anthropic.baseUrl(), FakeAnthropicUpstream.API_KEY,
                FakeAnthropicUpstream.MODEL, GatewayFixture.KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openAi.close();
        anthropic.close();
    }

    @BeforeEach
    void clear() {
        openAi.reset();
        anthropic.reset();
    }

    @AfterEach
    void upstreamRefusedNothing() {
        assertThat(anthropic.rejections()).isEmpty();
    }

    static HttpResponse<String> chat(String model, boolean parallel, boolean stream) {
        return gateway.post("/v1/chat/completions", """
                {"model":"%s","stream":%s,"messages":[{"role":"user","content":"Weather in Paris and Tokyo?"}],
                 "tools":[%s],"parallel_tool_calls":%s}""".formatted(model, stream, OPENAI_TOOL, parallel));
    }

    static HttpResponse<String> messages(String model, boolean disable, boolean stream) {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("x-api-key", GatewayFixture.KEY).header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"%s","max_tokens":64,"stream":%s,"messages":[{"role":"user","content":"Weather?"}],
                         "tools":[%s],"tool_choice":{"type":"any","disable_parallel_tool_use":%s}}"""
                        .formatted(model, stream, ANTHROPIC_TOOL, disable))).build());
    }

    static JsonNode upstreamBody(String model) {
        try {
            return MAPPER.readTree((model.equals(OPENAI) ? openAi.lastRequest() : anthropic.lastRequest()).body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "stream"})
    void openAiClientsSwitchIsPassedNatively(String mode) {
        boolean stream = mode.equals("stream");
        assertThat(chat(OPENAI, false, stream).statusCode()).isEqualTo(200);
        assertThat(upstreamBody(OPENAI).path("parallel_tool_calls").isBoolean()).isTrue();
        assertThat(upstreamBody(OPENAI).path("parallel_tool_calls").booleanValue()).as("as the client sent it").isFalse();

        HttpResponse<String> r = chat(CLAUDE, false, stream);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(upstreamBody(CLAUDE).at("/tool_choice/disable_parallel_tool_use").asBoolean()).isTrue();
        assertThat(r.body().split("\"get_weather\"", -1)).as("one call: %s", r.body()).hasSize(2);

        assertThat(chat(CLAUDE, true, stream).statusCode()).isEqualTo(200);
        assertThat(upstreamBody(CLAUDE).path("tool_choice").has("disable_parallel_tool_use")).as("true is the default").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {OPENAI, CLAUDE})
    void aNonBooleanIsAnError(String model) {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"%s","messages":[{"role":"user","content":"hi"}],"tools":[%s],"parallel_tool_calls":"no"}"""
                .formatted(model, OPENAI_TOOL));
        if (model.equals(OPENAI)) {
            // passed as it is: the OpenAI-compatible upstream judges its own field (this fake takes anything)
            assertThat(upstreamBody(OPENAI).path("parallel_tool_calls").asText()).isEqualTo("no");
            return;
        }
        ErrorBodies.assertError(r, 400, "invalid_request_error", "invalid_parameter");
        assertThat(r.body()).contains("parallel_tool_calls");
        assertThat(anthropic.requests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "stream"})
    void anthropicClientsSwitchIsPassedNatively(String mode) {
        boolean stream = mode.equals("stream");
        HttpResponse<String> r = messages(OPENAI, true, stream);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(upstreamBody(OPENAI).path("parallel_tool_calls").isBoolean()).isTrue();
        assertThat(upstreamBody(OPENAI).path("parallel_tool_calls").booleanValue()).isFalse();
        assertThat(upstreamBody(OPENAI).path("tool_choice").asText()).isEqualTo("required");

        r = messages(CLAUDE, true, stream);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(upstreamBody(CLAUDE).at("/tool_choice/disable_parallel_tool_use").asBoolean()).isTrue();

        assertThat(messages(OPENAI, false, stream).statusCode()).isEqualTo(200);
        assertThat(upstreamBody(OPENAI).has("parallel_tool_calls")).as("false asks for nothing").isFalse();
    }
}
