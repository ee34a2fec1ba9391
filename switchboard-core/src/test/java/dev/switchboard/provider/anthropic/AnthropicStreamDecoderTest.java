package dev.switchboard.provider.anthropic;

import static dev.switchboard.provider.anthropic.AnthropicFixtures.ENDPOINT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.ChunkPipe;
import dev.switchboard.stream.StreamEvent;
import dev.switchboard.testing.Golden;
import dev.switchboard.usage.OpenAiUsageReader;
import dev.switchboard.usage.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden: Anthropic event stream → canonical chunk list (one JSON per line), compared as JSON trees.
 * A stream's first line may be a comment {@code : options include_usage structured_output} setting the decoder up.
 */
class AnthropicStreamDecoderTest {
    private static final String DIR = "anthropic/stream";

    static Stream<Path> cases() {
        return Golden.files(DIR, ".sse");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void anthropicStreamBecomesTheExpectedChunks(Path file) throws IOException {
        String first = Files.readAllLines(file).get(0);
        boolean usage = first.startsWith(": options") && first.contains("include_usage");
        boolean structured = first.startsWith(": options") && first.contains("structured_output");
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(ENDPOINT, structured, "", AnthropicFixtures.CREATED);
        List<String> chunks = ChunkPipe.all(decoder, usage, Files.readAllBytes(file));

        String expectedName = file.getFileName().toString().replace(".sse", ".jsonl");
        if (Golden.updating()) {
            Files.writeString(Golden.sourceFile(DIR, expectedName), String.join("\n", chunks) + "\n");
        }
        List<JsonNode> expected = new ArrayList<>();
        for (String line : Files.readAllLines(file.resolveSibling(expectedName))) {
            if (!line.isBlank()) {
                expected.add(Json.MAPPER.readTree(line));
            }
        }
        List<JsonNode> actual = new ArrayList<>();
        for (String c : chunks) {
            actual.add(Json.MAPPER.readTree(c));
        }
        assertThat(actual).isEqualTo(expected);
        // byte for byte as the chunk JSON the decoder used to write (field order included)
        assertThat(chunks).containsExactlyElementsOf(Files.readAllLines(file.resolveSibling(expectedName)).stream()
                .filter(l -> !l.isBlank()).toList());
        assertThat(decoder.completed()).isTrue();
        assertThat(actual.stream().filter(c -> c.at("/choices/0/finish_reason").isTextual()).count())
                .as("exactly one finish_reason").isEqualTo(1);
        if (usage) {
            JsonNode last = actual.get(actual.size() - 1);
            assertThat(last.path("choices").isEmpty()).isTrue();
            assertThat(OpenAiUsageReader.read(last.path("usage"))).isEqualTo(decoder.usage());
        }
    }

    @Test
    void toolCallsGetStableIndexesAndTheirIdOnlyOnTheFirstDelta() throws IOException {
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(ENDPOINT, false, "", 0);
        List<JsonNode> calls = new ArrayList<>();
        for (String c : ChunkPipe.all(decoder, false, Files.readAllBytes(Golden.dir(DIR).resolve("tool-calls.sse")))) {
            JsonNode call = Json.MAPPER.readTree(c).at("/choices/0/delta/tool_calls/0");
            if (!call.isMissingNode()) {
                calls.add(call);
            }
        }
        assertThat(calls).extracting(c -> c.path("index").asInt()).containsExactly(0, 0, 0, 1, 1, 2, 2);
        assertThat(calls).extracting(c -> c.has("id")).containsExactly(true, false, false, true, false, true, false);
        StringBuilder first = new StringBuilder();
        calls.stream().filter(c -> c.path("index").asInt() == 0).forEach(c -> first.append(c.at("/function/arguments").asText()));
        assertThat(Json.MAPPER.readTree(first.toString()).path("city").asText()).isEqualTo("Paris");
    }

    @Test
    void usageIsAvailableWithoutTheUsageChunk() throws IOException {
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(ENDPOINT, false, "", 0);
        List<String> chunks = ChunkPipe.all(decoder, false, Files.readAllBytes(Golden.dir(DIR).resolve("tool-calls.sse")));
        assertThat(chunks).noneMatch(c -> c.contains("\"usage\""));
        assertThat(decoder.usage()).isEqualTo(new Usage(472, 89, 561, 0, 0));
    }

    @Test
    void anOverloadedErrorEventIsARetryable503() {
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(ENDPOINT, false, "", 0);
        decoder.onEvent(new SseEvent("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\",\"usage\":{}}}", null), e -> { });
        assertThatThrownBy(() -> decoder.onEvent(new SseEvent("error",
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", null), e -> { }))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_OVERLOADED);
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.kind().retryable()).isTrue();
                });
        assertThat(decoder.completed()).isFalse();
    }

    @Test
    void aStreamWithoutStopReasonStillFinishesOnce() {
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(ENDPOINT, false, "", 0);
        ChunkPipe pipe = new ChunkPipe(decoder, false);
        List<String> out = new ArrayList<>();
        out.addAll(pipe.feed(new SseEvent(null, "{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\"}}", null)));
        out.addAll(pipe.feed(new SseEvent(null, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":null},\"usage\":{\"output_tokens\":3}}", null)));
        out.addAll(pipe.feed(new SseEvent(null, "{\"type\":\"message_stop\"}", null)));
        assertThat(out).hasSize(2);
        assertThat(out.get(1)).contains("\"finish_reason\":\"stop\"");
        assertThat(decoder.usage().completionTokens()).isEqualTo(3);
    }

    @Test
    void aNonJsonEventBreaksTheStream() {
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(ENDPOINT, false, "", 0);
        assertThatThrownBy(() -> decoder.onEvent(SseEvent.data("not json"), e -> { }))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_STREAM_BROKEN));
    }

    @Test
    void messageStopFinishesAndReportsTheFinalUsageWhetherOrNotTheClientAskedForIt() {
        AnthropicStreamDecoder decoder = AnthropicStreamDecoder.forRequest(AnthropicFixtures.chat(
                "{\"model\":\"a/b\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                ENDPOINT, "claude-x", 0);
        decoder.onEvent(new SseEvent(null, "{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\",\"usage\":{\"input_tokens\":4}}}", null), e -> { });
        assertThat(ChunkPipe.events(decoder, new SseEvent(null, "{\"type\":\"message_stop\"}", null))).containsExactly(
                new StreamEvent.Finished(0, "stop"),
                new StreamEvent.UsageReported(new Usage(4, 0, 4, 0, 0), true, false));
        assertThat(decoder.ended()).isTrue();
    }
}
