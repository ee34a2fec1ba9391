package dev.switchboard.ingress.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.json.Json;
import dev.switchboard.provider.openai.OpenAiChatAdapter;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.StreamDecoder;
import dev.switchboard.stream.StreamEvent;
import dev.switchboard.usage.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Canonical chunks (as an OpenAI-compatible upstream sends them) read as typed events, written as Anthropic's. */
class AnthropicStreamEncoderTest {
    private final List<String> out = new ArrayList<>();
    private final AnthropicStreamEncoder enc = new AnthropicStreamEncoder("smart", 42);
    private final StreamDecoder chunks = new OpenAiChatAdapter().newDecoder(null, null, "", false);

    private void feed(String data) {
        feed(chunks, enc, data, out);
    }

    private static void feed(StreamDecoder decoder, AnthropicStreamEncoder encoder, String data, List<String> out) {
        Consumer<byte[]> sink = b -> out.add(new String(b, StandardCharsets.UTF_8));
        if (data.equals("[DONE]")) {
            encoder.onEnd(sink);
        } else {
            decoder.onEvent(SseEvent.data(data), e -> encoder.onEvent(e, sink));
        }
    }

    /** message_start: the prompt estimate (the provider counts at the end); message_delta: the provider's count. */
    @Test
    void textStreamIsTheExactEventSequence() {
        feed("{\"id\":\"c1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
        feed("{\"id\":\"c1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}");
        feed("{\"id\":\"c1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}]}");
        feed("{\"id\":\"c1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
        feed("{\"id\":\"c1\",\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":2,\"prompt_tokens_details\":{\"cached_tokens\":3}}}");
        feed("[DONE]");
        assertThat(out).containsExactly(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_c1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"gpt-4o\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":42,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":0}}}\n\n",
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
                "event: ping\ndata: {\"type\":\"ping\"}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo\"}}\n\n",
                "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":8,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":3,\"output_tokens\":2}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        feed("[DONE]");
        enc.onEnd(b -> out.add("late"));
        assertThat(out).hasSize(8);
    }

    @Test
    void toolCallsBecomeToolUseBlocks() {
        feed("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"}}]}");
        feed("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}");
        feed("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\":1}\"}}]}}]}");
        feed("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}}]}");
        feed("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
        enc.onEnd(b -> out.add(new String(b, StandardCharsets.UTF_8)));
        List<String> types = out.stream().map(s -> s.substring(7, s.indexOf('\n'))).toList();
        assertThat(types).containsExactly("message_start", "content_block_start", "ping", "content_block_delta",
                "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(out.get(5)).contains("\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"call_1\",\"name\":\"f\",\"input\":{}}");
        assertThat(out.get(6)).contains("{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":1}\"}");
        assertThat(out.get(8)).contains("\"index\":2").contains("\"id\":\"call_2\"");
        assertThat(out.get(11)).contains("\"stop_reason\":\"tool_use\"");
        // the provider reported no usage at all: the estimate is the best count there is, at the end too
        assertThat(out.get(11)).contains("\"input_tokens\":42");
    }

    @Test
    void earlyUsageCountsOnlyWhenItCountedThePrompt() {
        feed("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0}}");
        assertThat(out.get(0)).contains("\"input_tokens\":42");
        AnthropicStreamEncoder counted = new AnthropicStreamEncoder("smart", 42);
        List<String> got = new ArrayList<>();
        feed(new OpenAiChatAdapter().newDecoder(null, null, "", false), counted,
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":1}}", got);
        assertThat(got.get(0)).contains("\"input_tokens\":30");
    }

    /** Written as text, every event is still compact JSON exactly as Jackson writes it (field order included). */
    @Test
    void thinkingAndToolEventsAreTheJsonJacksonWouldWrite() throws Exception {
        List<String> got = new ArrayList<>();
        Consumer<byte[]> sink = b -> got.add(new String(b, StandardCharsets.UTF_8));
        AnthropicStreamEncoder e = new AnthropicStreamEncoder("smart", 7);
        e.onEvent(new StreamEvent.Started("msg_1", "claude \"x\"", 1), sink);
        e.onEvent(new StreamEvent.ChoiceStarted(0), sink);
        e.onEvent(new StreamEvent.ReasoningDelta(0, "think\n\u0001"), sink);
        e.onEvent(new StreamEvent.ReasoningSealed(0, "thinking", "sig", null), sink);
        e.onEvent(new StreamEvent.TextDelta(0, "caf\u00e9 \uD83D\uDE00"), sink);
        e.onEvent(new StreamEvent.ToolCallDelta(0, 0, "toolu_1", "get_weather", ""), sink);
        e.onEvent(new StreamEvent.ToolCallDelta(0, 0, null, null, "{\"city\":\"Paris\"}"), sink);
        e.onEvent(new StreamEvent.Finished(0, "tool_calls"), sink);
        e.onEvent(new StreamEvent.UsageReported(new Usage(20, 5, 25, 4, 0, 6, 0), true, false), sink);
        e.onEnd(sink);
        List<String> types = new ArrayList<>();
        for (String event : got) {
            String type = event.substring(7, event.indexOf('\n'));
            String data = event.substring(event.indexOf("data: ") + 6, event.length() - 2);
            JsonNode tree = Json.MAPPER.readTree(data);
            assertThat(Json.MAPPER.writeValueAsString(tree)).isEqualTo(data);
            assertThat(tree.path("type").asText()).isEqualTo(type);
            types.add(type);
        }
        assertThat(types).containsExactly("message_start", "content_block_start", "ping", "content_block_delta",
                "content_block_delta", "content_block_stop", "content_block_start", "content_block_delta",
                "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        assertThat(got.get(0)).contains("\"model\":\"claude \\\"x\\\"\"").contains("\"input_tokens\":7");
        assertThat(got.get(4)).contains("{\"type\":\"signature_delta\",\"signature\":\"sig\"}");
        assertThat(got.get(6)).contains("{\"type\":\"text\",\"text\":\"\"}");
        assertThat(got.get(12)).endsWith("\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":6,"
                + "\"cache_read_input_tokens\":4,\"output_tokens\":5}}\n\n");
    }
}
