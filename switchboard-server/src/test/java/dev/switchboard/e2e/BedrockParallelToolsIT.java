package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAny;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeBedrockUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SseEvents;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code parallel_tool_calls: false} (or an Anthropic client's {@code disable_parallel_tool_use}) at Bedrock, whose
 * Converse API has no such switch: the request passes, and the gateway passes only the answer's first tool call on.
 * The fake answers two tools with two toolUse blocks.
 */
class BedrockParallelToolsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}},"
            + "{\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";

    static FakeBedrockUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeBedrockUpstream.start();
        gateway = GatewayFixture.withYaml(upstream.gatewayYaml());
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

    static String chat(boolean stream, String parallel) {
        return "{\"model\":\"claude\",\"stream\":" + stream + ",\"tools\":" + TOOLS
                + (parallel == null ? "" : ",\"parallel_tool_calls\":" + parallel)
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Weather and time in Paris?\"}]}";
    }

    static JsonNode choice(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).at("/choices/0");
    }

    /** The streamed tool calls by index: id, name and concatenated arguments; and the finish reasons. */
    record Streamed(Map<Integer, String> ids, Map<Integer, String> names, Map<Integer, String> args, List<String> finishes) {}

    static Streamed streamed(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Streamed s = new Streamed(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), new ArrayList<>());
        for (String data : SseEvents.data(r.body())) {
            if (data.equals("[DONE]")) {
                continue;
            }
            for (JsonNode ch : JSON.readTree(data).path("choices")) {
                for (JsonNode tc : ch.at("/delta/tool_calls")) {
                    int i = tc.path("index").asInt();
                    if (tc.hasNonNull("id")) {
                        s.ids.put(i, tc.get("id").asText());
                    }
                    if (tc.at("/function/name").isTextual()) {
                        s.names.put(i, tc.at("/function/name").asText());
                    }
                    s.args.merge(i, tc.at("/function/arguments").asText(""), String::concat);
                }
                if (ch.hasNonNull("finish_reason")) {
                    s.finishes.add(ch.get("finish_reason").asText());
                }
            }
        }
        return s;
    }

    @Test
    void byDefaultBothToolCallsReachTheClient() throws Exception {
        JsonNode choice = choice(gateway.post("/v1/chat/completions", chat(false, null)));
        assertThat(choice.at("/message/tool_calls")).hasSize(2);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");

        Streamed s = streamed(gateway.post("/v1/chat/completions", chat(true, "true")));
        assertThat(s.ids()).containsExactly(Map.entry(0, "tooluse_paris_1"), Map.entry(1, "tooluse_tokyo_2"));
        assertThat(s.finishes()).containsExactly("tool_calls");
    }

    @Test
    void parallelToolCallsFalsePassesOnlyTheFirstCall() throws Exception {
        JsonNode choice = choice(gateway.post("/v1/chat/completions", chat(false, "false")));
        JsonNode calls = choice.at("/message/tool_calls");
        assertThat(calls).hasSize(1);
        assertThat(calls.at("/0/id").asText()).isEqualTo("tooluse_paris_1");
        assertThat(calls.at("/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(calls.at("/0/function/arguments").asText()).path("city").asText()).isEqualTo("Paris");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(upstream.lastRequest().body()).doesNotContain("parallel");
    }

    @Test
    void parallelToolCallsFalseInAStreamDropsTheLaterCallsAndTheirDeltas() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", chat(true, "false"));
        Streamed s = streamed(r);
        assertThat(s.ids()).containsExactly(Map.entry(0, "tooluse_paris_1"));
        assertThat(s.names()).containsExactly(Map.entry(0, "get_weather"));
        assertThat(s.args()).containsOnlyKeys(0);
        assertThat(JSON.readTree(s.args().get(0)).path("city").asText()).isEqualTo("Paris");
        assertThat(r.body()).doesNotContain("Tokyo").doesNotContain("get_time");
        assertThat(s.finishes()).containsExactly("tool_calls");
    }

    static HttpResponse<String> messages(String body) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-api-key", GatewayFixture.KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static String anthropicChat(boolean stream, boolean disableParallel) {
        return "{\"model\":\"claude\",\"max_tokens\":256,\"stream\":" + stream + ",\"tools\":["
                + "{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}},"
                + "{\"name\":\"get_time\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}],"
                + "\"tool_choice\":{\"type\":\"any\",\"disable_parallel_tool_use\":" + disableParallel + "},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather and time in Paris?\"}]}";
    }

    @Test
    void anAnthropicClientsDisableParallelToolUseIsHonouredToo() throws Exception {
        HttpResponse<String> both = messages(anthropicChat(false, false));
        assertThat(both.statusCode()).as(both.body()).isEqualTo(200);
        assertThat(JSON.readTree(both.body()).path("content").findValuesAsText("type")).containsExactly("tool_use", "tool_use");

        HttpResponse<String> one = messages(anthropicChat(false, true));
        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        JsonNode message = JSON.readTree(one.body());
        assertThat(message.path("content")).hasSize(1);
        assertThat(message.at("/content/0/type").asText()).isEqualTo("tool_use");
        assertThat(message.at("/content/0/name").asText()).isEqualTo("get_weather");
        assertThat(message.at("/content/0/input/city").asText()).isEqualTo("Paris");
        assertThat(message.path("stop_reason").asText()).isEqualTo("tool_use");

        HttpResponse<String> streamed = messages(anthropicChat(true, true));
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
        List<String> starts = new ArrayList<>();
        for (String data : SseEvents.data(streamed.body())) {
            JsonNode e = JSON.readTree(data);
            if (e.path("type").asText().equals("content_block_start")) {
                starts.add(e.at("/content_block/type").asText() + ":" + e.at("/content_block/name").asText());
            }
        }
        assertThat(starts).containsExactly("tool_use:get_weather");
        assertThat(streamed.body()).doesNotContain("Tokyo").contains("\"stop_reason\":\"tool_use\"");
    }

    static Tool sdkTool(String name) {
        return Tool.builder().name(name).inputSchema(Tool.InputSchema.builder()
                .properties(JsonValue.from(Map.of("city", Map.of("type", "string")))).build()).build();
    }

    @Test
    void theAnthropicSdkWithToolChoiceAnyAndParallelUseDisabledGetsOneCall() {
        AnthropicClient sdk = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(GatewayFixture.KEY).maxRetries(0).build();
        MessageCreateParams params = MessageCreateParams.builder().model("claude").maxTokens(256)
                .addTool(sdkTool("get_weather")).addTool(sdkTool("get_time"))
                .toolChoice(ToolChoiceAny.builder().disableParallelToolUse(true).build())
                .addUserMessage("Weather and time in Paris?").build();
        Message m = sdk.messages().create(params).validate();
        List<ToolUseBlock> uses = m.content().stream().filter(ContentBlock::isToolUse).map(ContentBlock::asToolUse).toList();
        assertThat(uses).hasSize(1);
        assertThat(uses.get(0).name()).isEqualTo("get_weather");
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(upstream.lastRequest().json().at("/toolConfig/toolChoice").has("any")).isTrue();

        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> events = sdk.messages().createStreaming(params)) {
            events.stream().forEach(e -> acc.accumulate(e.validate()));
        }
        Message streamed = acc.message().validate();
        assertThat(streamed.content().stream().filter(ContentBlock::isToolUse).map(b -> b.asToolUse().name()).toList())
                .containsExactly("get_weather");
    }

    @Test
    void aParallelToolCallsThatIsNotABooleanIsA400() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", chat(false, "\"no\""));
        JsonNode error = assertError(r, 400, "invalid_request_error", "invalid_parameter");
        assertThat(error.path("param").asText()).isEqualTo("parallel_tool_calls");
        assertThat(upstream.requests()).isEmpty();
    }
}
