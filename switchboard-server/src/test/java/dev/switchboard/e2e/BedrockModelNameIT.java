package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.FakeBedrockUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SseEvents;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The answer's {@code model} at Bedrock: Converse reports none, so it is the upstream model id the target is
 * configured with (what Bedrock itself was asked for), never the caller's alias; the headers still name the route.
 */
class BedrockModelNameIT {
    static final ObjectMapper JSON = new ObjectMapper();

    static FakeBedrockUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeBedrockUpstream.start();
        gateway = GatewayFixture.withYaml(upstream.gatewayYaml() + """
                routes:
                  - name: assistant
                    rules:
                      - targets: ["aws/%s"]
                """.formatted(FakeBedrockUpstream.MODEL));
        client = gateway.openAiClient();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @AfterEach
    void upstreamRefusedNothing() {
        assertThat(upstream.rejections()).as("requests the strict fake refused").isEmpty();
    }

    static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    @Test
    void aNonStreamedAnswerNamesTheUpstreamModelAndTheHeadersTheRoute() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", chat("claude", false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("model").asText()).isEqualTo(FakeBedrockUpstream.MODEL);
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue(FakeBedrockUpstream.MODEL);

        HttpResponse<String> routed = gateway.post("/v1/chat/completions", chat("assistant", false));
        assertThat(routed.statusCode()).as(routed.body()).isEqualTo(200);
        assertThat(JSON.readTree(routed.body()).path("model").asText()).isEqualTo(FakeBedrockUpstream.MODEL);
        assertThat(routed.headers().firstValue("x-switchboard-route")).hasValue("assistant");
        assertThat(routed.headers().firstValue("x-switchboard-model")).hasValue(FakeBedrockUpstream.MODEL);

        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude").addUserMessage("hi").build());
        assertThat(c.model()).isEqualTo(FakeBedrockUpstream.MODEL);
    }

    @Test
    void theProviderSlashModelSpellingAnswersWithTheModelIdAlone() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", chat("aws/" + FakeBedrockUpstream.MODEL, false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("model").asText()).isEqualTo(FakeBedrockUpstream.MODEL);
    }

    @Test
    void everyStreamedChunkNamesTheUpstreamModel() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                chat("claude", true).replace("\"stream\":true", "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> models = new ArrayList<>();
        for (String data : SseEvents.data(r.body())) {
            if (!data.equals("[DONE]")) {
                models.add(JSON.readTree(data).path("model").asText());
            }
        }
        assertThat(models).hasSizeGreaterThan(2).allMatch(FakeBedrockUpstream.MODEL::equals);

        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("claude").addUserMessage("hi").build())) {
            assertThat(s.stream().map(ChatCompletionChunk::model).toList()).isNotEmpty().allMatch(FakeBedrockUpstream.MODEL::equals);
        }
    }

    static HttpResponse<String> messages(String body) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-api-key", GatewayFixture.KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void anAnthropicClientSeesTheUpstreamModelToo() throws Exception {
        String body = "{\"model\":\"claude\",\"max_tokens\":100,\"stream\":%s,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = messages(body.formatted(false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("model").asText()).isEqualTo(FakeBedrockUpstream.MODEL);

        HttpResponse<String> s = messages(body.formatted(true));
        assertThat(s.statusCode()).as(s.body()).isEqualTo(200);
        JsonNode start = JSON.readTree(SseEvents.data(s.body()).get(0));
        assertThat(start.path("type").asText()).isEqualTo("message_start");
        assertThat(start.at("/message/model").asText()).isEqualTo(FakeBedrockUpstream.MODEL);
    }
}
