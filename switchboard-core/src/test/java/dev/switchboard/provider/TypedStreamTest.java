package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.CanonicalChunkEncoder;
import dev.switchboard.stream.StreamDecoder;
import dev.switchboard.stream.StreamEvent;
import dev.switchboard.stream.StreamTransform;
import dev.switchboard.usage.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The composition the relay drives: decoder → transforms → encoder, the end included. */
class TypedStreamTest {
    /** Each upstream event's data is one piece of text; the end reports usage. */
    static final class TextDecoder implements StreamDecoder {
        boolean started;

        @Override
        public void onEvent(SseEvent event, Consumer<StreamEvent> out) {
            if (!started) {
                started = true;
                out.accept(new StreamEvent.Started("id", "m", 1));
                out.accept(new StreamEvent.ChoiceStarted(0));
            }
            out.accept(new StreamEvent.TextDelta(0, event.data()));
        }

        @Override
        public void onEnd(Consumer<StreamEvent> out) {
            out.accept(new StreamEvent.Finished(0, "stop"));
            out.accept(new StreamEvent.UsageReported(new Usage(1, 2, 3, 0, 0)));
        }

        @Override
        public Usage usage() {
            return null;
        }

        @Override
        public boolean completed() {
            return true;
        }
    }

    /** Holds text back until the end, then passes it on upper-cased in one piece: a stage with look-ahead. */
    static final class ShoutAtTheEnd implements StreamTransform {
        final StringBuilder held = new StringBuilder();

        @Override
        public void onEvent(StreamEvent event, Consumer<StreamEvent> out) {
            if (event instanceof StreamEvent.TextDelta t) {
                held.append(t.text());
            } else if (!(event instanceof StreamEvent.Finished)) {
                out.accept(event);
            }
        }

        @Override
        public void onEnd(Consumer<StreamEvent> out) {
            out.accept(new StreamEvent.TextDelta(0, held.toString().toUpperCase()));
            out.accept(new StreamEvent.Finished(0, "stop"));
        }
    }

    @Test
    void withoutTransformsEventsGoStraightToTheEncoder() {
        List<String> out = run(new TypedStream(new TextDecoder(), new CanonicalChunkEncoder(true)));
        assertThat(out).hasSize(6);
        assertThat(out.get(1)).contains("\"delta\":{\"content\":\"he\"}");
        assertThat(out.get(3)).contains("\"finish_reason\":\"stop\"");
        assertThat(out.get(4)).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":1");
        assertThat(out.get(5)).isEqualTo("data: [DONE]\n\n");
    }

    @Test
    void aTransformSeesEveryEventAndMayHoldThemBackUntilTheEnd() {
        List<String> out = run(new TypedStream(new TextDecoder(), List.of(new ShoutAtTheEnd()), new CanonicalChunkEncoder(false)));
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).contains("\"role\":\"assistant\"");
        assertThat(out.get(1)).contains("\"delta\":{\"content\":\"HELLO\"}");
        assertThat(out.get(2)).contains("\"finish_reason\":\"stop\"");
        assertThat(out.get(3)).isEqualTo("data: [DONE]\n\n");
    }

    private static List<String> run(StreamTranslator t) {
        List<String> out = new ArrayList<>();
        Consumer<byte[]> sink = b -> out.add(new String(b, StandardCharsets.UTF_8));
        t.onEvent(SseEvent.data("he"), sink);
        t.onEvent(SseEvent.data("llo"), sink);
        t.onEnd(sink);
        return out;
    }
}
