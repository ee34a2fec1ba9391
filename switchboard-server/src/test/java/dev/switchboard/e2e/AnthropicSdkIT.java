package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.ErrorType;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The official anthropic-java SDK against /v1/messages, served by an OpenAI upstream and by an Anthropic upstream. */
class AnthropicSdkIT {
    static final String OPENAI = "fake/gpt-4o";
    static final String CLAUDE = "claude/" + FakeAnthropicUpstream.MODEL;

    static FakeUpstream openAi;
    static FakeAnthropicUpstream anthropic;
    static GatewayFixture gateway;
    static AnthropicClient client;

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
        client = client(GatewayFixture.KEY);
    }

    @AfterAll
    static void stop() {
        client.close();
        gateway.close();
        anthropic.close();
        openAi.close();
    }

    @BeforeEach
    void reset() {
        openAi.reset();
        anthropic.reset();
    }

    static AnthropicClient client(String key) {
        return AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(key).maxRetries(0).build();
    }

    static MessageCreateParams hello(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(256).system("Be terse.").addUserMessage("hello there").build();
    }

    static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Weather for a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .addRequired("city").build())
                .build();
    }

    static String text(Message m) {
        StringBuilder sb = new StringBuilder();
        m.content().stream().filter(ContentBlock::isText).forEach(b -> sb.append(b.asText().text()));
        return sb.toString();
    }

    static Message stream(AnthropicClient c, MessageCreateParams params) {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> events = c.messages().createStreaming(params)) {
            events.stream().forEach(e -> acc.accumulate(e.validate())); // validate: every field the SDK requires is there
        }
        return acc.message().validate();
    }

    /** The upstream saw the system prompt in its own dialect, and the upstream key, never the client's. */
    static void assertUpstreamSawSystemAndKey(String model) {
        RecordedRequest r = model.equals(OPENAI) ? openAi.lastRequest() : anthropic.lastRequest();
        String headers = r.headers().toString();
        assertThat(headers).doesNotContain(GatewayFixture.KEY);
        if (model.equals(OPENAI)) {
            assertThat(r.header("authorization")).isEqualTo("Bearer " + GatewayFixture.UPSTREAM_KEY);
            JsonNode first = r.json().path("messages").get(0);
            assertThat(first.path("role").asText()).isEqualTo("system");
            assertThat(first.path("content").toString()).contains("Be terse.");
        } else {
            assertThat(r.header("x-api-key")).isEqualTo(FakeAnthropicUpstream.API_KEY);
            assertThat(r.json().path("system").toString()).contains("Be terse.");
            assertThat(r.json().path("messages").toString()).doesNotContain("Be terse.");
            assertThat(anthropic.rejections()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {OPENAI, CLAUDE})
    void nonStreamedMessage(String model) {
        Message m = client.messages().create(hello(model)).validate();
        assertThat(m.id()).startsWith("msg_");
        assertThat(m.content()).hasSize(1);
        assertThat(m.content().get(0).isText()).isTrue();
        assertThat(text(m)).isEqualTo("echo: hello there");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isPositive();
        assertThat(m.usage().outputTokens()).isPositive();
        assertUpstreamSawSystemAndKey(model);
    }

    @ParameterizedTest
    @ValueSource(strings = {OPENAI, CLAUDE})
    void streamedMessageAccumulates(String model) {
        Message whole = client.messages().create(hello(model));
        Message m = stream(client, hello(model));
        assertThat(m.content()).hasSize(1);
        assertThat(text(m)).isEqualTo(text(whole)).isEqualTo("echo: hello there");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isPositive();
        assertThat(m.usage().outputTokens()).isPositive();
        assertThat(openAi.requests().size() + anthropic.requests().size()).isEqualTo(2);
        assertThat((model.equals(OPENAI) ? openAi.lastRequest() : anthropic.lastRequest()).json().path("stream").asBoolean())
                .isTrue();
        assertUpstreamSawSystemAndKey(model);
    }

    @ParameterizedTest
    @ValueSource(strings = {OPENAI + "|plain", CLAUDE + "|plain", OPENAI + "|stream", CLAUDE + "|stream"})
    void toolRoundTrip(String variant) {
        String model = variant.substring(0, variant.indexOf('|'));
        boolean streamed = variant.endsWith("|stream");
        MessageCreateParams.Builder params = MessageCreateParams.builder().model(model).maxTokens(256)
                .addTool(weatherTool()).addUserMessage("weather in Paris?");
        Message first = streamed ? stream(client, params.build()) : client.messages().create(params.build()).validate();
        assertThat(first.stopReason()).contains(StopReason.TOOL_USE);
        List<ToolUseBlock> uses = first.content().stream().filter(ContentBlock::isToolUse).map(ContentBlock::asToolUse).toList();
        assertThat(uses).as(first.toString()).isNotEmpty();
        ToolUseBlock use = uses.get(0);
        assertThat(use.name()).isEqualTo("get_weather");
        Map<String, Object> input = use._input().convert(new com.fasterxml.jackson.core.type.TypeReference<>() {});
        // OpenAI's fake sends {"city":"Paris"}; Anthropic's {"city":"Paris","unit":"celsius"} (streamed in pieces)
        assertThat(input).isEqualTo(model.equals(OPENAI) ? Map.of("city", "Paris") : Map.of("city", "Paris", "unit", "celsius"));

        List<ContentBlockParam> results = new ArrayList<>();
        for (ToolUseBlock u : uses) {
            results.add(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder().toolUseId(u.id()).content("sunny, 21C").build()));
        }
        params.addMessage(first).addUserMessageOfContentBlockParams(results);
        Message answer = streamed ? stream(client, params.build()) : client.messages().create(params.build()).validate();
        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
        assertThat(answer.content()).allMatch(ContentBlock::isText);
        assertThat(text(answer)).isNotBlank();

        if (model.equals(OPENAI)) {
            JsonNode sent = openAi.lastRequest().json().path("messages");
            JsonNode assistant = sent.get(1);
            assertThat(assistant.path("role").asText()).isEqualTo("assistant");
            assertThat(assistant.path("tool_calls").get(0).path("id").asText()).isEqualTo(use.id());
            JsonNode tool = sent.get(2);
            assertThat(tool.path("role").asText()).isEqualTo("tool");
            assertThat(tool.path("tool_call_id").asText()).isEqualTo(use.id());
            assertThat(tool.path("content").asText()).contains("sunny, 21C");
        } else {
            assertThat(anthropic.rejections()).isEmpty();
            JsonNode sent = anthropic.lastRequest().json().path("messages");
            assertThat(sent.get(2).path("content").get(0).path("type").asText()).isEqualTo("tool_result");
            assertThat(sent.get(2).path("content").get(0).path("tool_use_id").asText()).isEqualTo(use.id());
            assertThat(text(answer)).contains(use.id() + "=sunny, 21C"); // the fake names the results it received
        }
        assertThat(anthropic.rejections()).isEmpty();
    }

    @Test
    void unknownModelIsNotFound() {
        assertThatThrownBy(() -> client.messages().create(hello("nope/unknown")))
                .isInstanceOf(NotFoundException.class)
                .satisfies(e -> assertAnthropicError((AnthropicServiceException) e, 404, ErrorType.NOT_FOUND_ERROR));
        assertThatThrownBy(() -> stream(client, hello("nope/unknown")))
                .isInstanceOf(NotFoundException.class);
        assertThat(openAi.requests()).isEmpty();
        assertThat(anthropic.requests()).isEmpty();
    }

    @Test
    void badKeyIsUnauthorized() {
        for (String key : List.of("sk-wrong", "")) {
            AnthropicClient other = client(key);
            try {
                for (String model : List.of(OPENAI, CLAUDE)) {
                    assertThatThrownBy(() -> other.messages().create(hello(model))).as(key + " " + model)
                            .isInstanceOf(UnauthorizedException.class)
                            .satisfies(e -> assertAnthropicError((AnthropicServiceException) e, 401, ErrorType.AUTHENTICATION_ERROR));
                }
            } finally {
                other.close();
            }
        }
        assertThat(openAi.requests()).isEmpty();
        assertThat(anthropic.requests()).isEmpty();
    }

    static void assertAnthropicError(AnthropicServiceException e, int status, ErrorType type) {
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e.errorType()).as(e.body().toString()).contains(type);
        assertThat(e.apiMessage()).as(e.body().toString()).hasValueSatisfying(msg -> assertThat(msg).isNotBlank());
        assertThat(e.body().toString()).contains("error");
    }
}
