package dev.switchboard.sse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SseParserTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Stream<Path> goldenStreams() {
        return Golden.files("sse", ".sse");
    }

    /** Every golden stream parses to its expected events whether it arrives whole, byte by byte, or split at any point. */
    @ParameterizedTest
    @MethodSource("goldenStreams")
    void goldenStreamsParseTheSameHoweverTheBytesAreSplit(Path stream) throws IOException {
        byte[] bytes = Files.readAllBytes(stream);
        String name = stream.getFileName().toString().replace(".sse", ".jsonl");
        List<SseEvent> whole = parse(bytes, bytes.length);
        if (Golden.updating()) {
            StringBuilder sb = new StringBuilder();
            for (SseEvent e : whole) {
                sb.append(MAPPER.writeValueAsString(e)).append('\n');
            }
            Files.writeString(Golden.sourceFile("sse", name), sb.toString());
        }
        List<SseEvent> expected = new ArrayList<>();
        for (String line : Files.readAllLines(stream.resolveSibling(name))) {
            if (!line.isBlank()) {
                expected.add(MAPPER.readValue(line, SseEvent.class));
            }
        }
        assertThat(whole).isEqualTo(expected);
        for (int split = 1; split < bytes.length; split++) {
            assertThat(parseSplitAt(bytes, split)).as("split at byte %d", split).isEqualTo(expected);
        }
        assertThat(parse(bytes, 1)).as("byte by byte").isEqualTo(expected);
    }

    @Test
    void crAtTheEndOfOneReadAndLfAtTheStartOfTheNextEndOneLine() {
        List<SseEvent> events = new ArrayList<>();
        SseParser p = new SseParser(events::add);
        p.feed("data: a\r".getBytes(StandardCharsets.UTF_8));
        p.feed("\n\r".getBytes(StandardCharsets.UTF_8));
        p.feed("\ndata: b\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(events).extracting(SseEvent::data).containsExactly("a", "b");
    }

    @Test
    void reportsAPartialEventSoATruncatedStreamIsDetected() {
        List<SseEvent> events = new ArrayList<>();
        SseParser p = new SseParser(events::add);
        p.feed("data: {\"partial\"".getBytes(StandardCharsets.UTF_8));
        assertThat(p.hasPartialEvent()).isTrue();
        p.feed(":true}\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(p.hasPartialEvent()).isFalse();
        assertThat(events).hasSize(1);
    }

    @Test
    void doneIsRecognisedOnlyAsTheDefaultEventType() {
        assertThat(SseEvent.data("[DONE]").isDone()).isTrue();
        assertThat(new SseEvent("error", "[DONE]", null).isDone()).isFalse();
    }

    @Test
    void encoderOutputParsesBackToTheSameEvent() {
        SseEvent original = new SseEvent("content_block_delta", "line1\nline2", null);
        List<SseEvent> events = new ArrayList<>();
        new SseParser(events::add).feed(SseEncoder.encode(original));
        assertThat(events).containsExactly(original);
        assertThat(new String(SseEncoder.data("x"), StandardCharsets.UTF_8)).isEqualTo("data: x\n\n");
    }

    private static List<SseEvent> parse(byte[] bytes, int readSize) {
        List<SseEvent> events = new ArrayList<>();
        SseParser p = new SseParser(events::add);
        for (int i = 0; i < bytes.length; i += readSize) {
            p.feed(bytes, i, Math.min(readSize, bytes.length - i));
        }
        return events;
    }

    private static List<SseEvent> parseSplitAt(byte[] bytes, int split) {
        List<SseEvent> events = new ArrayList<>();
        SseParser p = new SseParser(events::add);
        p.feed(bytes, 0, split);
        p.feed(bytes, split, bytes.length - split);
        return events;
    }
}
