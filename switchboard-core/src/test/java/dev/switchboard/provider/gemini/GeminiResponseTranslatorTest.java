package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.testing.Golden;
import dev.switchboard.usage.OpenAiUsageReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden: Gemini GenerateContentResponse → canonical chat.completion plus the usage record, compared as JSON trees. */
class GeminiResponseTranslatorTest {
    private static final String DIR = "gemini/response";

    static Stream<Path> cases() {
        return Golden.files(DIR, ".gemini.json");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void geminiResponseBecomesTheExpectedChatCompletion(Path file) throws IOException {
        GeminiResponseTranslator.Translated t = GeminiResponseTranslator.toOpenAi(Files.readAllBytes(file), GeminiFixtures.CREATED);
        ObjectNode both = Json.MAPPER.createObjectNode();
        both.set("completion", Json.MAPPER.readTree(t.bytes()));
        both.set("usage_record", Json.MAPPER.valueToTree(t.usage()));
        JsonNode actual = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(both));
        String expectedName = file.getFileName().toString().replace(".gemini.json", ".openai.json");
        if (Golden.updating()) {
            Files.writeString(Golden.sourceFile(DIR, expectedName), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
        }
        assertThat(actual).isEqualTo(Json.MAPPER.readTree(file.resolveSibling(expectedName).toFile()));
        assertThat(OpenAiUsageReader.read(actual.at("/completion/usage"))).isEqualTo(t.usage());
    }

    @Test
    void toolCallIdsAreStableAndCarryTheThoughtSignatureBack() throws IOException {
        byte[] body = Files.readAllBytes(Golden.dir(DIR).resolve("function-calls.gemini.json"));
        JsonNode a = GeminiResponseTranslator.toOpenAi(body, 0).completion().at("/choices/0/message/tool_calls");
        JsonNode b = GeminiResponseTranslator.toOpenAi(body, 0).completion().at("/choices/0/message/tool_calls");
        assertThat(a).isEqualTo(b);
        assertThat(a.get(0).path("id").asText()).isNotEqualTo(a.get(1).path("id").asText());
        assertThat(GeminiToolIds.signature(a.get(0).path("id").asText())).isEqualTo("CiQBVKhc7sig0==");
        assertThat(GeminiToolIds.signature(a.get(1).path("id").asText())).isNull();
    }

    @Test
    void oneCallPerCandidateWhenParallelCallsAreOffAndTheTargetsModelWhenNoneIsNamed() {
        String call = "{\"functionCall\":{\"name\":\"f\",\"args\":{\"k\":%d}}}";
        String cand = "{\"index\":%d,\"finishReason\":\"STOP\",\"content\":{\"role\":\"model\",\"parts\":[%s,%s,{\"text\":\"t\"}]}}";
        byte[] body = ("{\"responseId\":\"r\",\"candidates\":[" + cand.formatted(0, call.formatted(1), call.formatted(2)) + ","
                + cand.formatted(1, call.formatted(3), call.formatted(4)) + "]}").getBytes();

        JsonNode one = GeminiResponseTranslator.toOpenAi(body, "gemini-2.5-flash", true, 0).completion();
        assertThat(one.path("model").asText()).isEqualTo("gemini-2.5-flash");
        for (int i = 0; i < 2; i++) {
            JsonNode choice = one.path("choices").get(i);
            assertThat(choice.at("/message/tool_calls")).hasSize(1);
            assertThat(choice.at("/message/tool_calls/0/function/arguments").asText()).isEqualTo("{\"k\":" + (1 + 2 * i) + "}");
            assertThat(choice.at("/message/content").asText()).isEqualTo("t");
            assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        }
        JsonNode all = GeminiResponseTranslator.toOpenAi(body, "gemini-2.5-flash", false, 0).completion();
        assertThat(all.at("/choices/0/message/tool_calls")).hasSize(2);
        assertThat(all.at("/choices/0/message/tool_calls/0/id")).isEqualTo(one.at("/choices/0/message/tool_calls/0/id"));
    }

    @Test
    void somethingElseIsAnUpstreamError() {
        assertThatThrownBy(() -> GeminiResponseTranslator.toOpenAi("<html>".getBytes(), 0)).isInstanceOf(GatewayException.class);
    }
}
