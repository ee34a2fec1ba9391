package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SseEvents;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model rule when an upstream names its model with a wrong value ({@code null}, {@code ""}, a number) rather
 * than leaving it out: the answer names the target's model id, never "null" or a number.
 */
class ResponseModelNullIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static FakeAnthropicUpstream anthropic;
    static FakeGeminiUpstream gemini;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        anthropic = FakeAnthropicUpstream.start();
        gemini = FakeGeminiUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: claude
                    type: anthropic
                    base_url: %s
                    api_key: %s
                    models: [%s]
                  - name: google
                    type: gemini
                    base_url: %s
                    api_key: %s
                    models: [%s]
                keys:
                  - { name: tester, key: %s }
                """.formatted(anthropic.baseUrl(), FakeAnthropicUpstream.API_KEY, FakeAnthropicUpstream.MODEL,
                gemini.baseUrl(), FakeGeminiUpstream.API_KEY, FakeGeminiUpstream.MODEL, GatewayFixture.KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        gemini.close();
        anthropic.close();
    }

    static HttpResponse<String> chat(String model, boolean stream) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "\"\"", "5", "{}"})
    void anAnthropicAnswerWithAWrongModelNamesTheTarget(String value) throws Exception {
        anthropic.enqueue(FakeAnthropicUpstream.answer("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":" + value + ",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}"));
        HttpResponse<String> r = chat("claude/" + FakeAnthropicUpstream.MODEL, false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("model").asText()).isEqualTo(FakeAnthropicUpstream.MODEL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "\"\"", "5", "{}"})
    void anAnthropicStreamWithAWrongModelNamesTheTarget(String value) throws Exception {
        anthropic.enqueue(FakeAnthropicUpstream.rawStream(List.of(
                new String[] {"message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"model\":" + value + ",\"content\":[],\"stop_reason\":null,"
                        + "\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}"},
                new String[] {"message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                        + "\"usage\":{\"output_tokens\":1}}"},
                new String[] {"message_stop", "{\"type\":\"message_stop\"}"})));
        HttpResponse<String> r = chat("claude/" + FakeAnthropicUpstream.MODEL, true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (String data : SseEvents.data(r.body())) {
            if (!data.equals("[DONE]")) {
                assertThat(JSON.readTree(data).path("model").asText()).as(data).isEqualTo(FakeAnthropicUpstream.MODEL);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "\"\"", "5", "{}"})
    void aGeminiAnswerWithAWrongModelVersionNamesTheTarget(String value) throws Exception {
        gemini.enqueue(FakeGeminiUpstream.answer("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"hi\"}]},"
                + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":1,"
                + "\"totalTokenCount\":6},\"modelVersion\":" + value + "}"));
        HttpResponse<String> r = chat("google/" + FakeGeminiUpstream.MODEL, false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode model = JSON.readTree(r.body()).path("model");
        assertThat(model.isTextual()).as(r.body()).isTrue();
        assertThat(model.asText()).isEqualTo(FakeGeminiUpstream.MODEL);
    }
}
