package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeBedrockUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SseEvents;
import dev.switchboard.usage.UsageEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A careless Bedrock upstream against the issue-14 answer rules: the forced JSON tool with text around it, a tool
 * call split over many events, parallel calls under parallel_tool_calls false, and a stream cut mid-way. The client
 * asked for JSON and must get JSON; a cut stream must end with an error event and still leave a usage record.
 */
class BedrockBadUpstreamIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SCHEMA_FORMAT = "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"place\",\"schema\":"
            + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}";
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
        gateway.usage().clear();
    }

    static String structured(boolean stream) {
        return "{\"model\":\"claude\",\"stream\":" + stream + ",\"response_format\":" + SCHEMA_FORMAT
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"A city, please.\"}]}";
    }

    static String[] ev(String type, String payload) {
        return new String[] {type, payload};
    }

    static String[] text(int block, String text) {
        return ev("contentBlockDelta", "{\"contentBlockIndex\":" + block + ",\"delta\":{\"text\":" + JSON.valueToTree(text) + "}}");
    }

    static String[] toolStart(int block, String id, String name) {
        return ev("contentBlockStart", "{\"contentBlockIndex\":" + block + ",\"start\":{\"toolUse\":{\"toolUseId\":\"" + id
                + "\",\"name\":\"" + name + "\"}}}");
    }

    static String[] toolInput(int block, String piece) {
        return ev("contentBlockDelta", "{\"contentBlockIndex\":" + block + ",\"delta\":{\"toolUse\":{\"input\":"
                + JSON.valueToTree(piece) + "}}}");
    }

    static String[] stop(int block) {
        return ev("contentBlockStop", "{\"contentBlockIndex\":" + block + "}");
    }

    static final String[] START = ev("messageStart", "{\"role\":\"assistant\"}");
    static final String[] META = ev("metadata", "{\"usage\":{\"inputTokens\":9,\"outputTokens\":4,\"totalTokens\":13},"
            + "\"metrics\":{\"latencyMs\":1}}");

    /** The content deltas of a canonical stream joined, and the finish reasons seen. */
    record Streamed(String content, List<String> finishes, List<JsonNode> toolDeltas, List<String> errors) {}

    static Streamed read(HttpResponse<String> r) throws Exception {
        StringBuilder content = new StringBuilder();
        List<String> finishes = new ArrayList<>();
        List<JsonNode> tools = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String data : SseEvents.data(r.body())) {
            if (data.equals("[DONE]")) {
                continue;
            }
            JsonNode n = JSON.readTree(data);
            if (n.has("error")) {
                errors.add(n.path("error").path("message").asText());
            }
            for (JsonNode ch : n.path("choices")) {
                content.append(ch.at("/delta/content").asText(""));
                for (JsonNode t : ch.at("/delta/tool_calls")) {
                    tools.add(t);
                }
                if (ch.hasNonNull("finish_reason")) {
                    finishes.add(ch.get("finish_reason").asText());
                }
            }
        }
        return new Streamed(content.toString(), finishes, tools, errors);
    }

    @Test
    void aStructuredAnswerWithTextAroundTheForcedToolIsStillOnlyTheJson() throws Exception {
        upstream.enqueue(FakeBedrockUpstream.answer("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":["
                + "{\"text\":\"Sure, here is the JSON:\"},"
                + "{\"toolUse\":{\"toolUseId\":\"t1\",\"name\":\"json_response\",\"input\":{\"city\":\"Paris\"}}},"
                + "{\"text\":\"Anything else?\"}]}},\"stopReason\":\"tool_use\","
                + "\"usage\":{\"inputTokens\":9,\"outputTokens\":4,\"totalTokens\":13}}"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", structured(false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = JSON.readTree(r.body()).at("/choices/0");
        assertThat(JSON.readTree(choice.at("/message/content").asText()))
                .as("the content the client parses as its JSON object")
                .isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aStreamedStructuredAnswerWithTextInterleavedIsStillOnlyTheJson() throws Exception {
        upstream.enqueue(upstream.scriptedStream(List.of(START,
                text(0, "Sure, "), text(0, "here it is: "), stop(0),
                toolStart(1, "t1", "json_response"), toolInput(1, "{\"ci"), toolInput(1, "ty\":"),
                toolInput(1, "\"Par"), toolInput(1, "is\"}"), stop(1),
                text(2, " Done."), stop(2),
                ev("messageStop", "{\"stopReason\":\"tool_use\"}"), META), false));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", structured(true));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Streamed s = read(r);
        assertThat(s.content()).as("the streamed content, which the client parses as JSON").isEqualTo("{\"city\":\"Paris\"}");
        assertThat(s.finishes()).containsExactly("stop");
        assertThat(s.toolDeltas()).isEmpty();
    }

    @Test
    void aStructuredStreamWithoutTheToolStillGivesTheText() throws Exception {
        // a model that ignores the forced tool: what it said is all there is, and the client sees it
        upstream.enqueue(upstream.scriptedStream(List.of(START, text(0, "I cannot "), text(0, "do that."), stop(0),
                ev("messageStop", "{\"stopReason\":\"end_turn\"}"), META), false));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", structured(true));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Streamed s = read(r);
        assertThat(s.content()).isEqualTo("I cannot do that.");
        assertThat(s.finishes()).containsExactly("stop");
    }

    @Test
    void aToolCallSplitOverManyEventsArrivesWholeAndTheSecondCallIsDropped() throws Exception {
        List<String[]> events = new ArrayList<>();
        events.add(START);
        events.add(toolStart(0, "t1", "get_weather"));
        String input = "{\"city\":\"Paris, the capital of France\"}";
        for (char c : input.toCharArray()) {
            events.add(toolInput(0, String.valueOf(c)));
        }
        events.add(stop(0));
        events.add(toolStart(1, "t2", "get_time"));
        events.add(toolInput(1, "{\"city\":"));
        events.add(toolInput(1, "\"Tokyo\"}"));
        events.add(stop(1));
        events.add(ev("messageStop", "{\"stopReason\":\"tool_use\"}"));
        events.add(META);
        upstream.enqueue(upstream.scriptedStream(events, false));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", "{\"model\":\"claude\",\"stream\":true,"
                + "\"parallel_tool_calls\":false,\"tools\":" + TOOLS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Weather and time?\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Streamed s = read(r);
        StringBuilder args = new StringBuilder();
        for (JsonNode t : s.toolDeltas()) {
            assertThat(t.path("index").asInt()).isZero();
            args.append(t.at("/function/arguments").asText(""));
        }
        assertThat(JSON.readTree(args.toString())).isEqualTo(JSON.readTree(input));
        assertThat(s.finishes()).containsExactly("tool_calls");
    }

    @Test
    void aStreamCutAfterTheFirstOfParallelCallsEndsWithAnErrorAndIsRecorded() throws Exception {
        upstream.enqueue(upstream.scriptedStream(List.of(START,
                toolStart(0, "t1", "get_weather"), toolInput(0, "{\"city\":\"Paris\"}"), stop(0),
                toolStart(1, "t2", "get_time"), toolInput(1, "{\"ci")), true));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", "{\"model\":\"claude\",\"stream\":true,"
                + "\"parallel_tool_calls\":false,\"stream_options\":{\"include_usage\":true},\"tools\":" + TOOLS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Weather and time?\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Streamed s = read(r);
        assertThat(s.errors()).as("the cut is said, not hidden behind a finished answer").hasSize(1);
        assertThat(s.finishes()).isEmpty();
        assertThat(r.body()).doesNotContain("AKIDFAKEBEDROCK").doesNotContain(FakeBedrockUpstream.SECRET_KEY);
        UsageEvent usage = gateway.usage().awaitEvents(1, Duration.ofSeconds(3)).get(0);
        assertThat(usage.stream()).isTrue();
        assertThat(usage.provider()).isNotNull();
    }

    @Test
    void anAnthropicStreamCutAfterTheFirstCallEndsWithAnErrorEventAndIsRecorded() throws Exception {
        upstream.enqueue(upstream.scriptedStream(List.of(START,
                toolStart(0, "t1", "get_weather"), toolInput(0, "{\"city\":"), toolInput(0, "\"Paris\"}"), stop(0),
                toolStart(1, "t2", "get_time"), toolInput(1, "{\"ci")), true));
        String body = "{\"model\":\"claude\",\"max_tokens\":100,\"stream\":true,"
                + "\"tool_choice\":{\"type\":\"any\",\"disable_parallel_tool_use\":true},"
                + "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}},"
                + "{\"name\":\"get_time\",\"input_schema\":{\"type\":\"object\"}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather and time in Paris?\"}]}";
        HttpResponse<String> r = gateway.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-api-key", GatewayFixture.KEY).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("event: message_start").contains("event: error").doesNotContain("event: message_stop");
        assertThat(r.body()).doesNotContain("get_time");
        JsonNode start = null;
        for (String data : SseEvents.data(r.body())) {
            JsonNode n = JSON.readTree(data);
            if (n.path("type").asText().equals("message_start")) {
                start = n;
            }
        }
        assertThat(start).isNotNull();
        assertThat(start.at("/message/usage/input_tokens").asLong()).as("the prompt's estimate").isPositive();
        UsageEvent usage = gateway.usage().awaitEvents(1, Duration.ofSeconds(3)).get(0);
        assertThat(usage.stream()).isTrue();
    }
}
