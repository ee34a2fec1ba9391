package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SseEvents;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An OpenAI client's structured output at an Anthropic provider (the forced json_response tool) when the model
 * writes text beside the tool: the client asked for JSON, so the content is the JSON alone, as at Bedrock.
 */
class AnthropicStructuredTextIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String FORMAT = "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"place\",\"schema\":"
            + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}";

    static FakeAnthropicUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeAnthropicUpstream.start();
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

    static String request(boolean stream) {
        return "{\"model\":\"sonnet\",\"stream\":" + stream + ",\"response_format\":" + FORMAT
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"A city, please.\"}]}";
    }

    @Test
    void textBesideTheJsonToolIsNotPartOfTheContent() throws Exception {
        upstream.enqueue(FakeAnthropicUpstream.answer("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"" + FakeAnthropicUpstream.MODEL + "\",\"content\":[{\"type\":\"text\",\"text\":\"Here you go:\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"json_response\",\"input\":{\"city\":\"Paris\"}}],"
                + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":9,\"output_tokens\":4}}"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", request(false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = JSON.readTree(r.body()).at("/choices/0");
        assertThat(JSON.readTree(choice.at("/message/content").asText())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    }

    static String[] ev(String type, String data) {
        return new String[] {type, data};
    }

    @Test
    void streamedTextBesideTheJsonToolIsNotPartOfTheContent() throws Exception {
        upstream.enqueue(FakeAnthropicUpstream.rawStream(List.of(
                ev("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"model\":\"" + FakeAnthropicUpstream.MODEL + "\",\"content\":[],"
                        + "\"stop_reason\":null,\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}"),
                ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
                ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Here you go: \"}}"),
                ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\","
                        + "\"id\":\"toolu_1\",\"name\":\"json_response\",\"input\":{}}}"),
                ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
                        + "\"partial_json\":\"{\\\"city\\\":\"}}"),
                ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
                        + "\"partial_json\":\"\\\"Paris\\\"}\"}}"),
                ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"),
                ev("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},"
                        + "\"usage\":{\"output_tokens\":12}}"),
                ev("message_stop", "{\"type\":\"message_stop\"}"))));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", request(true));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        StringBuilder content = new StringBuilder();
        List<String> finishes = new ArrayList<>();
        for (String data : SseEvents.data(r.body())) {
            if (data.equals("[DONE]")) {
                continue;
            }
            for (JsonNode ch : JSON.readTree(data).path("choices")) {
                content.append(ch.at("/delta/content").asText(""));
                if (ch.hasNonNull("finish_reason")) {
                    finishes.add(ch.get("finish_reason").asText());
                }
            }
        }
        assertThat(content.toString()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(finishes).containsExactly("stop");
    }

    @Test
    void aStreamedTextAnswerWithoutTheToolStillArrives() throws Exception {
        upstream.enqueue(FakeAnthropicUpstream.rawStream(List.of(
                ev("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"model\":\"" + FakeAnthropicUpstream.MODEL + "\",\"content\":[],"
                        + "\"stop_reason\":null,\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}"),
                ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
                ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"I refuse.\"}}"),
                ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                ev("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"refusal\",\"stop_sequence\":null},"
                        + "\"usage\":{\"output_tokens\":3}}"),
                ev("message_stop", "{\"type\":\"message_stop\"}"))));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", request(true));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        StringBuilder content = new StringBuilder();
        for (String data : SseEvents.data(r.body())) {
            if (!data.equals("[DONE]")) {
                for (JsonNode ch : JSON.readTree(data).path("choices")) {
                    content.append(ch.at("/delta/content").asText(""));
                }
            }
        }
        assertThat(content.toString()).isEqualTo("I refuse.");
    }
}
