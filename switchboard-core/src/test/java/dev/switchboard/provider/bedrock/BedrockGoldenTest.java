package dev.switchboard.provider.bedrock;

import static dev.switchboard.provider.bedrock.BedrockFixtures.ENDPOINT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ingress.openai.OpenAiRequestDecoder;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.ChunkPipe;
import dev.switchboard.testing.Golden;
import dev.switchboard.testing.Signed;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden: canonical request → signed Converse request (fixed clock); Converse response → chat.completion;
 * ConverseStream events, encoded as event-stream frames and fed in 5-byte pieces → chat.completion.chunk lines.
 */
class BedrockGoldenTest {
    static Stream<Path> requests() {
        return Golden.files("bedrock/request", ".request.json");
    }

    static Stream<Path> responses() {
        return Golden.files("bedrock/response", ".bedrock.json");
    }

    static Stream<Path> streams() {
        return Golden.files("bedrock/stream", ".events.jsonl");
    }

    @ParameterizedTest
    @MethodSource("requests")
    void request(Path file) throws IOException {
        JsonNode spec = Json.MAPPER.readTree(file.toFile());
        ModelRequest req = OpenAiRequestDecoder.decode(Operation.CHAT, Json.MAPPER.writeValueAsBytes(spec.get("client")));
        String before = Json.MAPPER.writeValueAsString(req.body());
        UpstreamRequest up = Signed.sign(BedrockChatTranslator.toUpstream(req, ENDPOINT,
                spec.path("model_at_provider").asText()), BedrockFixtures.credential());
        ObjectNode actual = Json.MAPPER.createObjectNode();
        actual.put("method", up.method());
        actual.put("url", up.url());
        ObjectNode headers = actual.putObject("headers");
        up.headers().forEach(headers::put);
        actual.set("body", Json.MAPPER.readTree(up.body()));
        check("bedrock/request", file, ".request.json", ".upstream.json", actual);
        assertThat(Json.MAPPER.writeValueAsString(req.body())).isEqualTo(before);
    }

    @ParameterizedTest
    @MethodSource("responses")
    void response(Path file) throws IOException {
        BedrockResponseTranslator.Translated t = BedrockResponseTranslator.toOpenAi(Files.readAllBytes(file), "aws/claude",
                BedrockFixtures.CREATED);
        check("bedrock/response", file, ".bedrock.json", ".openai.json", Json.MAPPER.readTree(t.bytes()));
    }

    @ParameterizedTest
    @MethodSource("streams")
    void stream(Path file) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode e = Json.MAPPER.readTree(line);
            String payload = e.get("payload").toString();
            wire.writeBytes(e.has("exception") ? BedrockFixtures.exception(e.get("exception").asText(), payload)
                    : BedrockFixtures.event(e.get("event").asText(), payload));
        }
        BedrockStreamDecoder decoder = new BedrockStreamDecoder(ENDPOINT, "chatcmpl-1", "aws/claude", BedrockFixtures.CREATED);
        ChunkPipe pipe = new ChunkPipe(decoder, true);
        ArrayNode out = Json.MAPPER.createArrayNode();
        List<SseEvent> events = new ArrayList<>();
        BedrockFraming framing = new BedrockFraming(events::add);
        byte[] bytes = wire.toByteArray();
        try {
            for (int i = 0; i < bytes.length; i += 5) {
                framing.feed(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 5)));
                for (SseEvent ev : events) {
                    for (String c : pipe.feed(ev)) {
                        out.add(Json.MAPPER.readTree(c));
                    }
                }
                events.clear();
            }
            for (String c : pipe.end()) {
                out.add(Json.MAPPER.readTree(c));
            }
            out.addObject().put("completed", decoder.completed()).put("ended", decoder.ended())
                    .set("usage", Json.MAPPER.valueToTree(decoder.usage()));
        } catch (dev.switchboard.error.GatewayException ge) {
            out.addObject().put("error", ge.kind().code()).put("status", ge.status()).put("message", ge.getMessage());
        }
        check("bedrock/stream", file, ".events.jsonl", ".chunks.json", out);
    }

    private static void check(String dir, Path file, String suffix, String expectedSuffix, JsonNode actual) throws IOException {
        String name = file.getFileName().toString().replace(suffix, expectedSuffix);
        if (Golden.updating()) {
            Files.writeString(Golden.sourceFile(dir, name), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n",
                    StandardCharsets.UTF_8);
        }
        assertThat(Json.MAPPER.readTree(actual.toString())).isEqualTo(Json.MAPPER.readTree(file.resolveSibling(name).toFile()));
    }
}
