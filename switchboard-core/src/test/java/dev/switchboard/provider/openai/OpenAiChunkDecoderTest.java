package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.ChunkPipe;
import dev.switchboard.stream.StreamEvent;
import dev.switchboard.usage.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An OpenAI stream read as typed events: what an Anthropic client (or a stage) is given instead of the raw chunks. */
class OpenAiChunkDecoderTest {
    private static final List<String> CHUNKS = List.of(
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hmm\"},\"finish_reason\":null}]}",
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi \\\"there\\\"\\n\"},\"finish_reason\":null}]}",
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}",
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]},\"finish_reason\":null}]}",
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12,\"prompt_tokens_details\":{\"cached_tokens\":2},\"completion_tokens_details\":{\"reasoning_tokens\":1}}}");

    @Test
    void chunksBecomeTypedEventsInOrder() {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder("");
        List<StreamEvent> events = new ArrayList<>();
        for (String c : CHUNKS) {
            events.addAll(ChunkPipe.events(decoder, SseEvent.data(c)));
        }
        events.addAll(ChunkPipe.events(decoder, SseEvent.data("[DONE]")));
        Usage usage = new Usage(9, 3, 12, 2, 1);
        assertThat(events).containsExactly(
                new StreamEvent.Started("chatcmpl-1", "gpt-4o", 1700000000),
                new StreamEvent.ChoiceStarted(0),
                new StreamEvent.ReasoningDelta(0, "hmm"),
                new StreamEvent.TextDelta(0, "Hi \"there\"\n"),
                new StreamEvent.ToolCallDelta(0, 0, "call_1", "f", ""),
                new StreamEvent.ToolCallDelta(0, 0, null, null, "{}"),
                new StreamEvent.Finished(0, "tool_calls"),
                new StreamEvent.UsageReported(usage, false, true));
        assertThat(decoder.usage()).isEqualTo(usage);
    }

    /** Decoded and encoded again, an OpenAI stream is the same bytes: a stage that reads it changes nothing else. */
    @Test
    void decodedAndEncodedAgainTheChunksAreTheSameBytes() {
        ChunkPipe pipe = new ChunkPipe(new OpenAiChunkDecoder(""), true);
        List<String> out = new ArrayList<>();
        for (String c : CHUNKS) {
            out.addAll(pipe.feed(SseEvent.data(c)));
        }
        out.addAll(pipe.end());
        assertThat(out).containsExactlyElementsOf(CHUNKS);
    }

    @Test
    void aChunkThatNamesNoModelGetsTheTargets() {
        List<StreamEvent> events = ChunkPipe.events(new OpenAiChunkDecoder("llama-3"),
                SseEvent.data("{\"id\":\"x\",\"created\":1,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}"));
        assertThat(events.get(0)).isEqualTo(new StreamEvent.Started("x", "llama-3", 1));
    }
}
