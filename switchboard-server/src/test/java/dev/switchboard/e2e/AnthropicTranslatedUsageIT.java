package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeBedrockUpstream;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Usage on /v1/messages streams translated from OpenAI, Gemini and Bedrock: those report the prompt's tokens only
 * at the end, so message_start carries the gateway's estimate (LangChain's ChatAnthropic reads it there, never 0)
 * and message_delta the provider's count, as Anthropic's own streams do. An Anthropic provider's message_start
 * is its own. Seen by raw SSE and by the official SDK's stream accumulator.
 */
class AnthropicTranslatedUsageIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String OPENAI = "fake/gpt-4o";
    static final String GEMINI = "google/" + FakeGeminiUpstream.MODEL;
    static final String BEDROCK = "aws/" + FakeBedrockUpstream.MODEL;
    static final String CLAUDE = "claude/" + FakeAnthropicUpstream.MODEL;
    /**
     * The system prompt: ~2,700 characters, several hundred tokens by any estimate, far above what the fakes report
     * (8 to 24). The fakes echo the user's short text, so the answers stay short.
     */
    static final String LONG_PROMPT = "the quick brown fox jumps over the lazy dog ".repeat(60).trim();
    static final long ESTIMATE_AT_LEAST = 400;
    /** A key with a limit: admission estimates the prompt with the tokeniser, and that estimate is the one reported. */
    static final String LIMITED_KEY = "sk-limited-key-789";

    static FakeUpstream openAi;
    static FakeGeminiUpstream gemini;
    static FakeBedrockUpstream bedrock;
    static FakeAnthropicUpstream anthropic;
    static GatewayFixture gateway;
    static AnthropicClient client;

    @BeforeAll
    static void start() {
        openAi = FakeUpstream.start();
        gemini = FakeGeminiUpstream.start();
        bedrock = FakeBedrockUpstream.start();
        anthropic = FakeAnthropicUpstream.start();
        gateway = GatewayFixture.withYaml(yaml(openAi, gemini, bedrock, anthropic, ""));
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(GatewayFixture.KEY).maxRetries(0).build();
    }

    /** All four providers; {@code extra} goes into each translated provider's block (e.g. unsupported_params). */
    static String yaml(FakeUpstream openAi, FakeGeminiUpstream gemini, FakeBedrockUpstream bedrock,
                       FakeAnthropicUpstream anthropic, String extra) {
        return """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: fake
                    type: openai
                    base_url: %s
                    api_key: %s
                    models: [gpt-4o]%s
                  - name: google
                    type: gemini
                    base_url: %s
                    api_key: %s
                    models: [%s]%s
                  - name: aws
                    type: bedrock
                    base_url: %s
                    api_key: "%s:%s"
                    models: ["%s"]%s
                  - name: claude
                    type: anthropic
                    base_url: %s
                    api_key: %s
                    models: [%s]
                keys:
                  - { name: tester, key: %s }
                  - { name: limited, key: %s, limits: { tokens_per_minute: 10000000 } }
                """.formatted(openAi.baseUrl(), GatewayFixture.UPSTREAM_KEY, extra,
                gemini.baseUrl(), FakeGeminiUpstream.API_KEY, FakeGeminiUpstream.MODEL, extra,
                bedrock.baseUrl(), FakeBedrockUpstream.ACCESS_KEY, FakeBedrockUpstream.SECRET_KEY, FakeBedrockUpstream.MODEL, extra,
                anthropic.baseUrl(), FakeAnthropicUpstream.API_KEY, FakeAnthropicUpstream.MODEL, GatewayFixture.KEY, LIMITED_KEY);
    }

    @AfterAll
    static void stop() {
        client.close();
        gateway.close();
        anthropic.close();
        bedrock.close();
        gemini.close();
        openAi.close();
    }

    static String request(String model, boolean stream) throws Exception {
        return JSON.writeValueAsString(JSON.createObjectNode().put("model", model).put("max_tokens", 256).put("stream", stream)
                .put("system", LONG_PROMPT).set("messages", JSON.createArrayNode().add(
                        JSON.createObjectNode().put("role", "user").put("content", "hello there"))));
    }

    static HttpResponse<String> post(String body) throws Exception {
        return post("/v1/messages", GatewayFixture.KEY, body);
    }

    static HttpResponse<String> post(String path, String key, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-api-key", key).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** message_start's usage of a streamed answer to the long prompt, asked with {@code key}. */
    static JsonNode startUsage(String model, String key) throws Exception {
        HttpResponse<String> r = post("/v1/messages", key, request(model, true));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return events(r.body(), "message_start").get(0).path("message").path("usage");
    }

    /** The data of each event of the given type, in order. */
    static List<JsonNode> events(String sse, String type) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String frame : sse.split("\n\n")) {
            if (frame.startsWith("event: " + type + "\n")) {
                out.add(JSON.readTree(frame.substring(frame.indexOf("data: ") + 6)));
            }
        }
        return out;
    }

    /** The provider's own count, as the non-streamed answer reports it. */
    static long reportedInput(String model) throws Exception {
        HttpResponse<String> r = post(request(model, false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        long reported = JSON.readTree(r.body()).path("usage").path("input_tokens").asLong();
        assertThat(reported).as(r.body()).isPositive().isLessThan(ESTIMATE_AT_LEAST);
        return reported;
    }

    @ParameterizedTest
    @ValueSource(strings = {OPENAI, GEMINI, BEDROCK})
    void rawStreamStartsWithTheEstimateAndEndsWithTheReportedCount(String model) throws Exception {
        long reported = reportedInput(model);
        HttpResponse<String> r = post(request(model, true));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        List<JsonNode> starts = events(r.body(), "message_start");
        assertThat(starts).hasSize(1);
        JsonNode startUsage = starts.get(0).path("message").path("usage");
        // the provider has not counted yet: the gateway's own estimate of the prompt, never 0
        assertThat(startUsage.path("input_tokens").asLong()).as(startUsage.toString())
                .isGreaterThanOrEqualTo(ESTIMATE_AT_LEAST).isLessThan(2_000);
        assertThat(startUsage.path("output_tokens").isIntegralNumber()).isTrue();

        List<JsonNode> deltas = events(r.body(), "message_delta");
        assertThat(deltas).hasSize(1);
        JsonNode endUsage = deltas.get(0).path("usage");
        assertThat(endUsage.path("input_tokens").asLong()).as(endUsage.toString()).isEqualTo(reported);
        assertThat(endUsage.path("output_tokens").asLong()).isPositive();

        // without limits the gateway estimated nothing before: the estimate count_tokens gives for the same prompt
        HttpResponse<String> count = post("/v1/messages/count_tokens", GatewayFixture.KEY, request(model, false));
        long counted = JSON.readTree(count.body()).path("input_tokens").asLong();
        assertThat(startUsage.path("input_tokens").asLong()).isEqualTo(counted);
        // with a limit, admission's estimate (the tokeniser's, a different count) is the one reported
        assertThat(startUsage(model, LIMITED_KEY).path("input_tokens").asLong())
                .isGreaterThanOrEqualTo(ESTIMATE_AT_LEAST).isLessThan(2_000).isNotEqualTo(counted);
    }

    @ParameterizedTest
    @ValueSource(strings = {OPENAI, GEMINI, BEDROCK})
    void sdkAccumulatorSeesTheEstimateFirstAndTheReportedCountLast(String model) throws Exception {
        long reported = reportedInput(model);
        MessageCreateParams params = MessageCreateParams.builder().model(model).maxTokens(256).system(LONG_PROMPT)
                .addUserMessage("hello there").build();
        MessageAccumulator acc = MessageAccumulator.create();
        long atStart = -1;
        try (StreamResponse<RawMessageStreamEvent> events = client.messages().createStreaming(params)) {
            for (RawMessageStreamEvent e : (Iterable<RawMessageStreamEvent>) events.stream()::iterator) {
                acc.accumulate(e.validate());
                if (e.isMessageStart()) {
                    atStart = e.asMessageStart().message().usage().inputTokens();
                }
            }
        }
        Message m = acc.message().validate();
        assertThat(atStart).isGreaterThanOrEqualTo(ESTIMATE_AT_LEAST);
        assertThat(m.usage().inputTokens()).isEqualTo(reported);
        assertThat(m.usage().outputTokens()).isPositive();
    }

    @Test
    void anthropicProvidersMessageStartIsItsOwn() throws Exception {
        HttpResponse<String> r = post(request(CLAUDE, true));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode startUsage = events(r.body(), "message_start").get(0).path("message").path("usage");
        assertThat(startUsage.path("input_tokens").asLong()).isEqualTo(FakeAnthropicUpstream.INPUT_TOKENS);
        assertThat(anthropic.rejections()).isEmpty();
    }
}
