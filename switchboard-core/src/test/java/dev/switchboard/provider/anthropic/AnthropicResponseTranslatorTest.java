package dev.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.testing.Golden;
import dev.switchboard.usage.OpenAiUsageReader;
import dev.switchboard.usage.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden: Anthropic message → canonical chat.completion plus the usage record, compared as JSON trees.
 * A case whose name starts with {@code structured-} is read as the reply to a response_format request.
 */
class AnthropicResponseTranslatorTest {
    private static final String DIR = "anthropic/response";

    static Stream<Path> cases() {
        return Golden.files(DIR, ".anthropic.json");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void anthropicMessageBecomesTheExpectedChatCompletion(Path file) throws IOException {
        boolean structured = file.getFileName().toString().startsWith("structured-");
        AnthropicResponseTranslator.Translated t = AnthropicResponseTranslator.toOpenAi(
                Files.readAllBytes(file), structured, AnthropicFixtures.CREATED);

        ObjectNode both = Json.MAPPER.createObjectNode();
        both.set("completion", Json.MAPPER.readTree(t.bytes()));
        both.set("usage_record", Json.MAPPER.valueToTree(t.usage()));
        JsonNode actual = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(both)); // numbers as parsed, like the expected file
        String expectedName = file.getFileName().toString().replace(".anthropic.json", ".openai.json");
        if (Golden.updating()) {
            Files.writeString(Golden.sourceFile(DIR, expectedName), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
        }
        assertThat(actual).isEqualTo(Json.MAPPER.readTree(file.resolveSibling(expectedName).toFile()));
        // the usage record and the usage object in the body always agree
        assertThat(OpenAiUsageReader.read(actual.at("/completion/usage"))).isEqualTo(t.usage());
    }

    @Test
    void promptTokensIncludeCacheReadsAndWrites() {
        JsonNode msg = message("{\"input_tokens\":10,\"cache_read_input_tokens\":200,\"cache_creation_input_tokens\":30,\"output_tokens\":5}");
        Usage u = AnthropicResponseTranslator.toOpenAi(msg, false, 0).usage();
        assertThat(u).isEqualTo(new Usage(240, 5, 245, 200, 0, 30, 0));
    }

    @Test
    void oneHourCacheWritesAreKeptApartInTheRecordAndTheBody() throws IOException {
        JsonNode msg = message("{\"input_tokens\":10,\"cache_creation_input_tokens\":30,"
                + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":10,\"ephemeral_1h_input_tokens\":20},\"output_tokens\":5}");
        AnthropicResponseTranslator.Translated t = AnthropicResponseTranslator.toOpenAi(msg, false, 0);
        assertThat(t.usage()).isEqualTo(new Usage(40, 5, 45, 0, 0, 30, 20));
        assertThat(OpenAiUsageReader.read(Json.MAPPER.readTree(t.bytes()).get("usage"))).isEqualTo(t.usage());
    }

    @Test
    void missingCacheFieldsCountAsZero() {
        Usage u = AnthropicResponseTranslator.toOpenAi(message("{\"input_tokens\":10,\"output_tokens\":5}"), false, 0).usage();
        assertThat(u).isEqualTo(new Usage(10, 5, 15, 0, 0));
    }

    @ParameterizedTest
    @CsvSource({
            "end_turn,false,stop", "stop_sequence,false,stop", "pause_turn,false,stop", "max_tokens,false,length",
            "model_context_window_exceeded,false,length", "tool_use,false,tool_calls", "tool_use,true,stop",
            "refusal,false,content_filter", "something_new,false,stop"})
    void stopReasonsMapToFinishReasons(String stopReason, boolean structured, String finish) {
        assertThat(AnthropicFinishReason.map(stopReason, structured)).isEqualTo(finish);
    }

    @Test
    void aBodyThatIsNoMessageIsAnUpstreamFailure() {
        assertThatThrownBy(() -> AnthropicResponseTranslator.toOpenAi("<html>".getBytes(StandardCharsets.UTF_8), false, 0))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_SERVER_ERROR));
        assertThatThrownBy(() -> AnthropicResponseTranslator.toOpenAi("{\"type\":\"message\"}".getBytes(StandardCharsets.UTF_8), false, 0))
                .isInstanceOf(GatewayException.class);
    }

    private static JsonNode message(String usage) {
        try {
            return Json.MAPPER.readTree("{\"id\":\"msg_1\",\"type\":\"message\",\"model\":\"m\",\"content\":[],"
                    + "\"stop_reason\":\"end_turn\",\"usage\":" + usage + "}");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
