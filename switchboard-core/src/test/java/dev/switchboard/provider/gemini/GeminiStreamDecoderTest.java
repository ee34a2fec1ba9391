package dev.switchboard.provider.gemini;

import static dev.switchboard.provider.gemini.GeminiFixtures.ENDPOINT;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Golden: Gemini SSE stream → canonical chunk list (one JSON per line), compared as JSON trees.
 * A stream's first line may be a comment {@code : options include_usage} setting the decoder up.
 */
class GeminiStreamDecoderTest {
    private static final String DIR = "gemini/stream";

    static Stream<Path> cases() {
        return Golden.files(DIR, ".sse");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void geminiStreamBecomesTheExpectedChunks(Path file) throws IOException {
        String first = Files.readAllLines(file).get(0);
        boolean usage = first.startsWith(": options") && first.contains("include_usage");
        GeminiStreamDecoder decoder = new GeminiStreamDecoder(ENDPOINT, GeminiFixtures.CREATED);
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
        assertThat(actual.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        if (usage) {
            JsonNode last = actual.get(actual.size() - 1);
            assertThat(last.path("choices").isEmpty()).isTrue();
            assertThat(OpenAiUsageReader.read(last.path("usage"))).isEqualTo(decoder.usage());
        }
    }

    @Test
    void anErrorObjectInTheStreamIsThrown() {
        GeminiStreamDecoder decoder = new GeminiStreamDecoder(ENDPOINT, 0);
        assertThatThrownBy(() -> decoder.onEvent(new SseEvent(null,
                "{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}", null), e -> { }))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_OVERLOADED));
    }

    @Test
    void aStreamWithoutFinishReasonIsNotComplete() {
        GeminiStreamDecoder decoder = new GeminiStreamDecoder(ENDPOINT, 0);
        decoder.onEvent(new SseEvent(null, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"},\"index\":0}]}", null), e -> { });
        assertThat(decoder.completed()).isFalse();
        List<StreamEvent> atEnd = new ArrayList<>();
        decoder.onEnd(atEnd::add);
        assertThat(atEnd).isEmpty();
    }
}
