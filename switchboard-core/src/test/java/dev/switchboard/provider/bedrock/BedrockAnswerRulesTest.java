package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.ChunkPipe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The edges of reading a Converse answer with the request's rules, beyond what the fake upstream produces. */
class BedrockAnswerRulesTest {
    static final BedrockAnswerRules STRUCTURED = new BedrockAnswerRules("m", true, false);
    static final BedrockAnswerRules SINGLE = new BedrockAnswerRules("m", false, true);

    static List<JsonNode> decode(BedrockAnswerRules rules, String... eventsAndData) throws Exception {
        ChunkPipe d = new ChunkPipe(new BedrockStreamDecoder(BedrockFixtures.ENDPOINT, "id", rules, 1), false);
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < eventsAndData.length; i += 2) {
            for (String c : d.feed(new SseEvent(eventsAndData[i], eventsAndData[i + 1], null))) {
                out.add(Json.MAPPER.readTree(c));
            }
        }
        return out;
    }

    static String content(List<JsonNode> chunks) {
        StringBuilder sb = new StringBuilder();
        chunks.forEach(c -> sb.append(c.at("/choices/0/delta/content").asText("")));
        return sb.toString();
    }

    static String start(int block, String id, String name) {
        return "{\"contentBlockIndex\":" + block + ",\"start\":{\"toolUse\":{\"toolUseId\":\"" + id + "\",\"name\":\"" + name + "\"}}}";
    }

    static String input(int block, String json) {
        return "{\"contentBlockIndex\":" + block + ",\"delta\":{\"toolUse\":{\"input\":" + Json.MAPPER.valueToTree(json) + "}}}";
    }

    @Test
    void aStructuredBlockWithoutInputStillAnswersAnObject() throws Exception {
        List<JsonNode> out = decode(STRUCTURED, "messageStart", "{\"role\":\"assistant\"}",
                "contentBlockStart", start(0, "t1", "json_response"), "contentBlockStop", "{\"contentBlockIndex\":0}",
                "messageStop", "{\"stopReason\":\"tool_use\"}");
        assertThat(content(out)).isEqualTo("{}");
        assertThat(out.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aSecondStructuredBlockIsNotAppendedToTheFirst() throws Exception {
        List<JsonNode> out = decode(STRUCTURED, "contentBlockStart", start(0, "t1", "json_response"),
                "contentBlockDelta", input(0, "{\"a\":1}"), "contentBlockStart", start(1, "t2", "json_response"),
                "contentBlockDelta", input(1, "{\"a\":2}"), "messageStop", "{\"stopReason\":\"tool_use\"}");
        assertThat(content(out)).isEqualTo("{\"a\":1}");
        byte[] body = ("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"toolUse\":{\"toolUseId\":\"t1\","
                + "\"name\":\"json_response\",\"input\":{\"a\":1}}},{\"toolUse\":{\"toolUseId\":\"t2\",\"name\":\"json_response\","
                + "\"input\":{\"a\":2}}}]}},\"stopReason\":\"tool_use\"}").getBytes(StandardCharsets.UTF_8);
        JsonNode answer = Json.MAPPER.readTree(BedrockResponseTranslator.toOpenAi(body, STRUCTURED, 1).bytes());
        assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("{\"a\":1}");
        assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void withoutStructuredOutputAToolNamedJsonResponseIsAnOrdinaryToolCall() throws Exception {
        List<JsonNode> out = decode(BedrockAnswerRules.plain("m"), "contentBlockStart", start(0, "t1", "json_response"),
                "contentBlockDelta", input(0, "{}"), "messageStop", "{\"stopReason\":\"tool_use\"}");
        assertThat(out.get(1).at("/choices/0/delta/tool_calls/0/function/name").asText()).isEqualTo("json_response");
        assertThat(out.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void underASingleToolCallLaterBlocksAndTheirDeltasAreDroppedButUnknownBlocksStillFail() throws Exception {
        List<JsonNode> out = decode(SINGLE, "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Checking.\"}}",
                "contentBlockStart", start(1, "a", "f"), "contentBlockDelta", input(1, "{\"x\":1}"),
                "contentBlockStart", start(2, "b", "g"), "contentBlockDelta", input(2, "{\"x\":2}"),
                "contentBlockStart", start(3, "c", "h"), "contentBlockDelta", input(3, "{\"x\":3}"),
                "messageStop", "{\"stopReason\":\"tool_use\"}");
        String all = out.toString();
        assertThat(all).contains("\"a\"").doesNotContain("\"b\"").doesNotContain("x\\\":2").doesNotContain("\"h\"");
        assertThat(content(out)).isEqualTo("Checking.");
        assertThat(out.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThatThrownBy(() -> decode(SINGLE, "contentBlockDelta", input(7, "{}"))).isInstanceOf(GatewayException.class);
    }
}
