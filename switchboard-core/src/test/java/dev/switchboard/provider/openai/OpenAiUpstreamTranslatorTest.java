package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.catalogue.ProviderType;
import dev.switchboard.ingress.openai.OpenAiRequestDecoder;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.Timeouts;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.secret.Secret;
import dev.switchboard.testing.Golden;
import dev.switchboard.testing.Signed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden: client request (OpenAI dialect) → signed upstream request, compared as JSON trees. */
class OpenAiUpstreamTranslatorTest {
    private static final ProviderType OPENAI = ProviderCatalogue.bundled().find("openai").orElseThrow();
    private static final ProviderEndpoint ENDPOINT = new ProviderEndpoint("p", OPENAI, OPENAI.baseUrl(), new Secret("k"),
            OPENAI.headers(), null, List.of(), Timeouts.DEFAULTS);

    @Test
    void splicesOnlyTheModelIntoTheClientsExactBytes() {
        String client = "{ \"messages\" : [ {\"role\":\"user\",\"content\":\"\u00fc \\\"model\\\": x \uD83C\uDF89\"} ] ,\n"
                + "  \"model\" : \"openai/gpt-4o\" , \"temperature\": 0.70, \"stream\": true }  ";
        ModelRequest req = OpenAiRequestDecoder.decode(Operation.CHAT, client.getBytes(StandardCharsets.UTF_8));
        UpstreamRequest plain = OpenAiUpstreamTranslator.toUpstream(req, ENDPOINT, "gpt-4o \"x\"", false);
        assertThat(new String(plain.body(), StandardCharsets.UTF_8))
                .isEqualTo(client.replace("\"openai/gpt-4o\"", "\"gpt-4o \\\"x\\\"\""));
        UpstreamRequest withUsage = OpenAiUpstreamTranslator.toUpstream(req, ENDPOINT, "gpt-4o", true);
        assertThat(new String(withUsage.body(), StandardCharsets.UTF_8))
                .isEqualTo(client.replace("\"openai/gpt-4o\"", "\"gpt-4o\"")
                        .replace("true }", "true ,\"stream_options\":{\"include_usage\":true}}"));
    }

    @Test
    void aModelNamedAsTheProviderSpellsItSendsTheClientsBytesUntouched() {
        String client = "{\"model\" : \"gpt-4o\",\n \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}], \"temperature\": 0.50 }";
        byte[] raw = client.getBytes(StandardCharsets.UTF_8);
        ModelRequest req = OpenAiRequestDecoder.decode(Operation.CHAT, raw);
        assertThat(OpenAiUpstreamTranslator.toUpstream(req, ENDPOINT, "gpt-4o", false).body()).isEqualTo(raw);
        // a different spelling, or usage to ask for, still rewrites
        assertThat(new String(OpenAiUpstreamTranslator.toUpstream(req, ENDPOINT, "gpt-4o-mini", false).body(),
                StandardCharsets.UTF_8)).isEqualTo(client.replace("\"gpt-4o\"", "\"gpt-4o-mini\""));
        assertThat(new String(OpenAiUpstreamTranslator.toUpstream(req, ENDPOINT, "gpt-4o", true).body(),
                StandardCharsets.UTF_8)).contains("\"include_usage\":true");
    }

    @Test
    void mergesIncludeUsageIntoTheClientsOwnStreamOptions() throws IOException {
        ModelRequest req = OpenAiRequestDecoder.decode(Operation.CHAT,
                "{\"model\":\"a/b\",\"stream\":true,\"stream_options\":{\"x\":1},\"messages\":[{\"role\":\"user\"}]}"
                        .getBytes(StandardCharsets.UTF_8));
        JsonNode body = Json.MAPPER.readTree(OpenAiUpstreamTranslator.toUpstream(req, ENDPOINT, "b", true).body());
        assertThat(body.path("stream_options").toString()).isEqualTo("{\"x\":1,\"include_usage\":true}");
        assertThat(req.body().path("stream_options").toString()).isEqualTo("{\"x\":1}");
    }

    static Stream<Path> cases() {
        return Golden.files("openai-upstream", ".request.json");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void clientRequestBecomesTheExpectedUpstreamRequest(Path requestFile) throws IOException {
        JsonNode spec = Json.MAPPER.readTree(requestFile.toFile());
        ProviderType type = ProviderCatalogue.bundled().find(spec.path("provider").asText()).orElseThrow();
        String baseUrl = spec.hasNonNull("base_url") ? spec.get("base_url").asText() : type.baseUrl();
        ProviderEndpoint endpoint = new ProviderEndpoint("p", type, baseUrl, new Secret("sk-upstream"), type.headers(),
                type.apiVersion(), List.of(), Timeouts.DEFAULTS);
        Operation op = Operation.valueOf(spec.path("operation").asText("CHAT"));
        byte[] clientBytes = Json.MAPPER.writeValueAsBytes(spec.get("client"));
        ModelRequest req = OpenAiRequestDecoder.decode(op, clientBytes);
        String before = Json.MAPPER.writeValueAsString(req.body());

        boolean inject = req.stream() && !req.clientRequestedUsage();
        UpstreamRequest up = Signed.sign(
                OpenAiUpstreamTranslator.toUpstream(req, endpoint, spec.path("model_at_provider").asText(), inject), endpoint);

        ObjectNode actual = Json.MAPPER.createObjectNode();
        actual.put("method", up.method());
        actual.put("url", up.url());
        ObjectNode headers = actual.putObject("headers");
        up.headers().forEach(headers::put);
        actual.set("body", Json.MAPPER.readTree(up.body()));
        String expectedName = requestFile.getFileName().toString().replace(".request.json", ".upstream.json");
        if (Golden.updating()) {
            Files.writeString(Golden.sourceFile("openai-upstream", expectedName),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual));
        }
        JsonNode expected = Json.MAPPER.readTree(requestFile.resolveSibling(expectedName).toFile());
        assertThat(actual).isEqualTo(expected);
        assertThat(Json.MAPPER.writeValueAsString(req.body())).as("the client's request is not mutated").isEqualTo(before);
        assertThat(Map.copyOf(up.headers())).doesNotContainKey("x-api-key");
    }
}
