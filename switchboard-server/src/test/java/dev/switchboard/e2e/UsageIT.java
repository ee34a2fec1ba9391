package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.usage.Usage;
import dev.switchboard.usage.UsageEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One usage event per request with the upstream's token counts (the fake reports 11 prompt tokens of which 3 cached,
 * and 2 reasoning tokens). Streams are counted even when the client did not ask for usage.
 */
class UsageIT {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static FakeUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        // h2c on: one test speaks HTTP/2 without TLS
        gateway = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "").replace("server: { listen: 127.0.0.1:0, event_loops: 1 }", "server: { listen: 127.0.0.1:0, event_loops: 1, http2_cleartext: true }"));
        client = gateway.openAiClient();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
        gateway.usage().clear();
    }

    static ChatCompletionCreateParams.Builder hello() {
        return ChatCompletionCreateParams.builder().model("fake/gpt-4o").addUserMessage("hello");
    }

    /** Exactly one event, after giving a duplicate time to show up. */
    static UsageEvent onlyEvent() throws InterruptedException {
        gateway.usage().awaitEvents(1, Duration.ofSeconds(5));
        Thread.sleep(100);
        assertThat(gateway.usage().events()).hasSize(1);
        return gateway.usage().last();
    }

    @Test
    void nonStreamChatEmitsOneEventWithAllTokenCounts() throws Exception {
        HttpResponse<String> res = gateway.post("/v1/chat/completions",
                "{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
        JsonNode reported = MAPPER.readTree(res.body()).path("usage");

        UsageEvent e = onlyEvent();
        assertThat(e.usage()).isEqualTo(new Usage(
                reported.path("prompt_tokens").asLong(), reported.path("completion_tokens").asLong(),
                reported.path("total_tokens").asLong(),
                reported.path("prompt_tokens_details").path("cached_tokens").asLong(),
                reported.path("completion_tokens_details").path("reasoning_tokens").asLong()));
        assertThat(e.usage()).isEqualTo(new Usage(11, 7, 18, 3, 2));
        assertThat(e.usageReported()).isTrue();
        assertThat(e.stream()).isFalse();
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.operation()).isEqualTo("chat");
        assertThat(e.keyName()).isEqualTo("tester");
        assertThat(e.requestId()).isEqualTo(res.headers().firstValue("x-request-id").orElseThrow());
        assertThat(e.durationMillis()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void streamWithoutIncludeUsageIsCountedButTheClientGetsNoUsageChunk() throws Exception {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(hello().build())) {
            s.stream().forEach(chunks::add);
        }

        JsonNode seen = upstream.lastRequest().json();
        assertThat(seen.path("stream_options").path("include_usage").asBoolean())
                .as("the gateway asked the upstream for usage").isTrue();
        assertThat(chunks).isNotEmpty().allSatisfy(ch -> {
            assertThat(ch.usage()).isEmpty();
            assertThat(ch.choices()).isNotEmpty();
        });
        UsageEvent e = onlyEvent();
        assertThat(e.usage()).isEqualTo(new Usage(11, 7, 18, 3, 2));
        assertThat(e.usageReported()).isTrue();
        assertThat(e.stream()).isTrue();
        assertThat(e.timeToFirstTokenMillis()).isBetween(0L, e.durationMillis());
    }

    @Test
    void rawStreamWithoutIncludeUsageCarriesNoUsageObject() throws Exception {
        HttpResponse<String> res = gateway.post("/v1/chat/completions",
                "{\"model\":\"fake/gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}");

        List<JsonNode> events = dataEvents(res.body());
        assertThat(events).isNotEmpty().allSatisfy(ev -> {
            assertThat(ev.path("usage").isObject()).as("usage in %s", ev).isFalse();
            assertThat(ev.path("choices")).isNotEmpty();
        });
        assertThat(res.body()).endsWith("data: [DONE]\n\n");
        assertThat(onlyEvent().usage().promptTokens()).isEqualTo(11);
    }

    @Test
    void streamWithIncludeUsageDeliversTheUsageChunkToTheClient() throws Exception {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(hello()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunks::add);
        }

        List<CompletionUsage> usages = chunks.stream().flatMap(ch -> ch.usage().stream()).toList();
        assertThat(usages).hasSize(1);
        CompletionUsage u = usages.get(0);
        assertThat(u.promptTokens()).isEqualTo(11);
        assertThat(u.completionTokens()).isEqualTo(7);
        assertThat(u.promptTokensDetails().orElseThrow().cachedTokens()).hasValue(3L);
        assertThat(u.completionTokensDetails().orElseThrow().reasoningTokens()).hasValue(2L);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.usage()).isPresent();
        assertThat(last.choices()).isEmpty();
        assertThat(upstream.lastRequest().json().path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(onlyEvent().usage()).isEqualTo(new Usage(11, 7, 18, 3, 2));
    }

    @Test
    void injectedUsageKeepsTheClientsOtherStreamOptions() throws Exception {
        HttpResponse<String> res = gateway.post("/v1/chat/completions", "{\"model\":\"fake/gpt-4o\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":false,\"include_obfuscation\":false},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode options = upstream.lastRequest().json().path("stream_options");
        assertThat(options.path("include_usage").asBoolean()).isTrue();
        assertThat(options.path("include_obfuscation").isBoolean()).isTrue();
        assertThat(options.path("include_obfuscation").asBoolean()).isFalse();
        assertThat(dataEvents(res.body())).allSatisfy(ev -> assertThat(ev.path("usage").isObject()).isFalse());
        assertThat(onlyEvent().usage().completionTokens()).isEqualTo(7);
    }

    @Test
    void embeddingsAndLegacyCompletionsAreCounted() {
        client.embeddings().create(EmbeddingCreateParams.builder().model("fake/text-embedding-3-small")
                .inputOfArrayOfStrings(List.of("a", "b")).encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        client.completions().create(CompletionCreateParams.builder().model("smart").prompt("p").build());

        List<UsageEvent> events = gateway.usage().awaitEvents(2, Duration.ofSeconds(5));
        assertThat(events).extracting(UsageEvent::operation).containsExactly("embeddings", "text_completion");
        assertThat(events.get(0).usage().promptTokens()).isEqualTo(10);
        assertThat(events.get(0).usage().totalTokens()).isEqualTo(10);
        assertThat(events.get(1).usage()).isEqualTo(new Usage(11, 3, 14, 3, 2));
        assertThat(events.get(1).publicModel()).isEqualTo("smart");
        assertThat(events).as("the provider's own counts").allSatisfy(e -> {
            assertThat(e.usageReported()).isTrue();
            assertThat(e.usageEstimated()).isFalse();
        });
        assertThat(upstream.requests()).allSatisfy(r -> assertThat(r.json().has("stream_options")).isFalse());
    }

    @Test
    void oneEventPerRequestAcrossMixedTraffic() throws Exception {
        for (int i = 0; i < 3; i++) {
            client.chat().completions().create(hello().build());
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(hello().build())) {
                s.stream().forEach(ch -> { });
            }
        }

        gateway.usage().awaitEvents(6, Duration.ofSeconds(5));
        Thread.sleep(100);
        List<UsageEvent> events = gateway.usage().events();
        assertThat(events).hasSize(6);
        assertThat(events).extracting(UsageEvent::requestId).doesNotHaveDuplicates();
        assertThat(events).filteredOn(UsageEvent::stream).hasSize(3);
        assertThat(events).allSatisfy(e -> assertThat(e.usage()).isEqualTo(new Usage(11, 7, 18, 3, 2)));
    }

    @Test
    void http2ClientsGetTheirRealStatusRecorded() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        for (String stream : List.of("false", "true", "false", "true")) {
            HttpResponse<String> res = h2.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + GatewayFixture.KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"fake/gpt-4o\",\"stream\":" + stream
                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        }

        gateway.usage().awaitEvents(4, Duration.ofSeconds(5));
        Thread.sleep(100);
        assertThat(gateway.usage().events()).hasSize(4).allSatisfy(e -> {
            assertThat(e.status()).as("recorded status of a request answered 200").isEqualTo(200);
            assertThat(e.usage()).isEqualTo(new Usage(11, 7, 18, 3, 2));
        });
    }

    static List<JsonNode> dataEvents(String body) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            for (String line : block.split("\n")) {
                if (line.startsWith("data:") && !line.substring(5).trim().equals("[DONE]")) {
                    out.add(MAPPER.readTree(line.substring(5).trim()));
                }
            }
        }
        return out;
    }
}
