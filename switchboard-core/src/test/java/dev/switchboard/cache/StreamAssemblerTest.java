package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.stream.AnswerEvents;
import dev.switchboard.stream.StreamEvent;
import dev.switchboard.usage.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamAssemblerTest {
    private static final String ANSWER = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Let me add: ","reasoning_content":"two plus two",
                          "thinking_blocks":[{"type":"thinking","thinking":"two plus two","signature":"sig=="},
                                             {"type":"redacted_thinking","data":"opaque"}],
                          "tool_calls":[{"id":"call_1","type":"function","function":{"name":"add","arguments":"{\\"a\\":2,\\"b\\":2}"}},
                                        {"id":"call_2","type":"function","function":{"name":"log","arguments":"{}"}}]},
                         "logprobs":null,"finish_reason":"tool_calls"},
                        {"index":1,"message":{"role":"assistant","content":"Four."},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19,
                      "prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":3}}}""";

    private static JsonNode tree(byte[] b) throws Exception {
        return Json.MAPPER.readTree(b);
    }

    @Test
    void aReplayedAnswerAssemblesBackIntoTheSameAnswer() throws Exception {
        byte[] original = ANSWER.getBytes(StandardCharsets.UTF_8);
        StreamAssembler a = new StreamAssembler(1 << 20);
        AnswerEvents.of(original).forEach(a::accept);
        byte[] assembled = a.answer();
        assertThat(tree(assembled)).isEqualTo(tree(original));
        assertThat(a.usage()).isEqualTo(new Usage(12, 7, 19, 4, 3));
        // and round again: the stored form replays as the same events
        assertThat(AnswerEvents.of(assembled)).isEqualTo(AnswerEvents.of(original));
    }

    @Test
    void deltasAreJoined() throws Exception {
        StreamAssembler a = new StreamAssembler(1 << 20);
        List.of(new StreamEvent.Started("id", "m", 5), new StreamEvent.ChoiceStarted(0),
                new StreamEvent.TextDelta(0, "Hel"), new StreamEvent.TextDelta(0, "lo"),
                new StreamEvent.ToolCallDelta(0, 0, "c1", "f", ""), new StreamEvent.ToolCallDelta(0, 0, null, null, "{\"x\""),
                new StreamEvent.ToolCallDelta(0, 0, null, null, ":1}"),
                new StreamEvent.UsageReported(new Usage(1, 1, 2, 0, 0)), new StreamEvent.Finished(0, "stop"),
                new StreamEvent.UsageReported(new Usage(3, 4, 7, 0, 0))).forEach(a::accept);
        JsonNode t = tree(a.answer());
        assertThat(t.at("/choices/0/message/content").asText()).isEqualTo("Hello");
        assertThat(t.at("/choices/0/message/tool_calls/0/function/arguments").asText()).isEqualTo("{\"x\":1}");
        assertThat(t.at("/choices/0/message/tool_calls/0/id").asText()).isEqualTo("c1");
        assertThat(t.at("/usage/total_tokens").asLong()).as("the last usage counts").isEqualTo(7);
    }

    @Test
    void anAnswerPastTheBoundIsGivenUp() {
        StreamAssembler a = new StreamAssembler(100);
        a.accept(new StreamEvent.Started("id", "m", 5));
        a.accept(new StreamEvent.ChoiceStarted(0));
        for (int i = 0; i < 10; i++) {
            a.accept(new StreamEvent.TextDelta(0, "0123456789"));
        }
        assertThat(a.gaveUp()).isTrue();
        a.accept(new StreamEvent.Finished(0, "stop"));
        assertThat(a.answer()).isNull();
        // many empty choices count too
        StreamAssembler b = new StreamAssembler(1000);
        b.accept(new StreamEvent.Started("id", "m", 5));
        for (int i = 0; i < 100; i++) {
            b.accept(new StreamEvent.ChoiceStarted(i));
        }
        assertThat(b.gaveUp()).isTrue();
    }

    @Test
    void failedUnfinishedOrNeverStartedStreamsGiveNothing() {
        StreamAssembler failed = new StreamAssembler(1000);
        failed.accept(new StreamEvent.Started("id", "m", 5));
        failed.accept(new StreamEvent.TextDelta(0, "partial"));
        failed.accept(new StreamEvent.Failed(new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, "boom")));
        failed.accept(new StreamEvent.Finished(0, "stop"));
        assertThat(failed.answer()).isNull();

        StreamAssembler unfinished = new StreamAssembler(1000);
        unfinished.accept(new StreamEvent.Started("id", "m", 5));
        unfinished.accept(new StreamEvent.TextDelta(0, "partial"));
        assertThat(unfinished.answer()).isNull();

        StreamAssembler notStarted = new StreamAssembler(1000);
        notStarted.accept(new StreamEvent.TextDelta(0, "x"));
        notStarted.accept(new StreamEvent.Finished(0, "stop"));
        assertThat(notStarted.answer()).isNull();
    }
}
