package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeGeminiUpstream;
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
 * A careless Gemini upstream against the issue-14 answer rules: parallel_tool_calls false with calls spread over
 * events and a stream cut before it finished, answers without modelVersion. The client gets one call, a clean
 * error at a cut, the target's model id when Gemini names none, and a usage record every time.
 */
class GeminiBadUpstreamIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";

    static FakeGeminiUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeGeminiUpstream.start();
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

    static String chat(boolean stream) {
        return "{\"model\":\"flash\",\"stream\":" + stream + ",\"parallel_tool_calls\":false,\"tools\":" + TOOLS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris and Tokyo?\"}]}";
    }

    static String call(String city) {
        return "{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"" + city + "\"}}}";
    }

    static String piece(String parts, String finish, boolean withModel) {
        return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[" + parts + "]},\"index\":0"
                + (finish == null ? "" : ",\"finishReason\":\"" + finish + "\"") + "}],\"responseId\":\"r1\""
                + (withModel ? ",\"modelVersion\":\"gemini-2.5-flash-001\"" : "") + "}";
    }

    static final String USAGE = "{\"usageMetadata\":{\"promptTokenCount\":11,\"candidatesTokenCount\":3,\"totalTokenCount\":14}";

    @Test
    void aStreamCutAfterTheFirstCallEndsWithAnErrorAndIsRecorded() throws Exception {
        upstream.enqueue(upstream.rawStream(List.of(piece(call("Paris"), null, false), piece(call("Tokyo"), null, false)), true));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", chat(true));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> calls = new ArrayList<>();
        List<String> finishes = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<String> models = new ArrayList<>();
        for (String data : SseEvents.data(r.body())) {
            if (data.equals("[DONE]")) {
                continue;
            }
            JsonNode n = JSON.readTree(data);
            if (n.has("error")) {
                errors.add(n.path("error").path("message").asText());
                continue;
            }
            models.add(n.path("model").asText());
            for (JsonNode ch : n.path("choices")) {
                ch.at("/delta/tool_calls").forEach(calls::add);
                if (ch.hasNonNull("finish_reason")) {
                    finishes.add(ch.get("finish_reason").asText());
                }
            }
        }
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).at("/function/arguments").asText()).contains("Paris");
        assertThat(finishes).as("a cut stream is not a finished one").isEmpty();
        assertThat(errors).hasSize(1);
        assertThat(models).as("Gemini named no model: the target's id").containsOnly(FakeGeminiUpstream.MODEL);
        assertThat(r.body()).doesNotContain(FakeGeminiUpstream.API_KEY);
        UsageEvent usage = gateway.usage().awaitEvents(1, Duration.ofSeconds(3)).get(0);
        assertThat(usage.stream()).isTrue();
    }

    @Test
    void usageAfterTheDroppedCallIsStillCounted() throws Exception {
        upstream.enqueue(upstream.rawStream(List.of(piece(call("Paris") + "," + call("Tokyo"), null, true),
                piece(call("Berlin"), "STOP", true), USAGE + "}"), false));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", chat(true).replace("\"stream\":true",
                "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        long calls = 0;
        JsonNode usage = null;
        for (String data : SseEvents.data(r.body())) {
            if (data.equals("[DONE]")) {
                continue;
            }
            JsonNode n = JSON.readTree(data);
            assertThat(n.path("model").asText()).isEqualTo("gemini-2.5-flash-001");
            for (JsonNode ch : n.path("choices")) {
                calls += ch.at("/delta/tool_calls").size();
            }
            if (n.hasNonNull("usage")) {
                usage = n.get("usage");
            }
        }
        assertThat(calls).isEqualTo(1);
        assertThat(usage).isNotNull();
        assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(11);
        UsageEvent recorded = gateway.usage().awaitEvents(1, Duration.ofSeconds(3)).get(0);
        assertThat(recorded.usageReported()).isTrue();
    }

    @Test
    void anAnswerWithFirstAMalformedCallIsStillA200WithOneCall() throws Exception {
        upstream.enqueue(FakeGeminiUpstream.answer("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
                + "{\"functionCall\":{\"args\":\"not an object\"}}," + call("Tokyo") + "]},\"finishReason\":\"STOP\","
                + "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":11,\"candidatesTokenCount\":3,\"totalTokenCount\":14}}"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", chat(false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.path("model").asText()).isEqualTo(FakeGeminiUpstream.MODEL);
        assertThat(answer.at("/choices/0/message/tool_calls")).hasSize(1);
    }
}
