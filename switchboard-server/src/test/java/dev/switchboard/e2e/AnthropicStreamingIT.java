package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SseEvents;
import dev.switchboard.usage.UsageEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Streamed chat: Anthropic's event sequence becomes OpenAI's chunk stream, ending in exactly one finish and [DONE]. */
class AnthropicStreamingIT {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final long PROMPT_TOKENS = AnthropicChatIT.PROMPT_TOKENS;

    static FakeAnthropicUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeAnthropicUpstream.start();
        // h2c on: one test speaks HTTP/2 without TLS
        gateway = GatewayFixture.withYaml(upstream.gatewayYaml().replace("server: { listen: 127.0.0.1:0, event_loops: 1 }", "server: { listen: 127.0.0.1:0, event_loops: 1, http2_cleartext: true }"));
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

    @AfterEach
    void upstreamRefusedNothing() {
        assertThat(upstream.rejections()).as("requests the strict fake refused").isEmpty();
    }

    static List<ChatCompletionChunk> stream(ChatCompletionCreateParams params) {
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            return s.stream().toList();
        }
    }

    @Test
    void sdkReceivesRoleFirstThenTextInOrderThenOneFinish() {
        List<ChatCompletionChunk> chunks = stream(ChatCompletionCreateParams.builder()
                .model("sonnet").addSystemMessage("Be brief.").addUserMessage("hello big world").build());

        JsonNode sent = upstream.lastRequest().json();
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(AnthropicChatIT.systemText(sent.get("system"))).isEqualTo("Be brief.");
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(4096);

        assertThat(chunks).isNotEmpty();
        assertThat(chunks.get(0).choices()).hasSize(1);
        assertThat(chunks.get(0).choices().get(0).delta().role()).hasValue(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        for (ChatCompletionChunk c : chunks.subList(1, chunks.size())) {
            assertThat(c.choices()).allSatisfy(ch -> assertThat(ch.delta().role()).isEmpty());
        }
        List<String> texts = new ArrayList<>();
        List<ChatCompletionChunk.Choice.FinishReason> finishes = new ArrayList<>();
        for (ChatCompletionChunk c : chunks) {
            assertThat(c.id()).startsWith("msg_");
            assertThat(c.model()).isEqualTo(FakeAnthropicUpstream.MODEL);
            for (ChatCompletionChunk.Choice ch : c.choices()) {
                ch.delta().content().filter(t -> !t.isEmpty()).ifPresent(texts::add);
                ch.finishReason().ifPresent(finishes::add);
            }
            assertThat(c.usage()).isEmpty();
        }
        assertThat(texts).containsExactly("echo:", " hello", " big", " world");
        assertThat(finishes).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
    }

    @Test
    void wireStreamEndsWithDoneOnceAndNoAnthropicEventLeaks() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"sonnet\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one two\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(r.body()).doesNotContain("event:").doesNotContain("message_start").doesNotContain("ping");
        List<String> events = SseEvents.data(r.body());
        assertThat(events).last().isEqualTo("[DONE]");
        assertThat(events.stream().filter("[DONE]"::equals)).hasSize(1);
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(AnthropicStreamingIT::json).toList();
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
        assertThat(chunks.stream().filter(c -> c.path("choices").path(0).path("finish_reason").isTextual())).hasSize(1);
        assertThat(chunks.stream().filter(c -> c.has("usage"))).isEmpty();
    }

    @Test
    void withIncludeUsageTheUsageChunkArrivesLastWithCachedTokens() {
        List<ChatCompletionChunk> chunks = stream(ChatCompletionCreateParams.builder()
                .model("sonnet").addUserMessage("hi")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());

        List<ChatCompletionChunk> withUsage = chunks.stream().filter(c -> c.usage().isPresent()).toList();
        assertThat(withUsage).hasSize(1);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last).isSameAs(withUsage.get(0));
        assertThat(last.choices()).isEmpty();
        var usage = last.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(PROMPT_TOKENS);
        assertThat(usage.completionTokens()).isEqualTo(FakeAnthropicUpstream.OUTPUT_TOKENS);
        assertThat(usage.totalTokens()).isEqualTo(PROMPT_TOKENS + FakeAnthropicUpstream.OUTPUT_TOKENS);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).hasValue((long) FakeAnthropicUpstream.CACHE_READ_TOKENS);
        // stream_options is the gateway's business: Anthropic has no such field and always reports usage
        assertThat(upstream.lastRequest().json().has("stream_options")).isFalse();

        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0);
        assertThat(e.usage().promptTokens()).isEqualTo(PROMPT_TOKENS);
    }

    @Test
    void withoutIncludeUsageNoUsageChunkButTheUsageEventIsStillRecorded() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"sonnet\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        List<String> events = SseEvents.data(r.body());
        assertThat(events).last().isEqualTo("[DONE]");
        assertThat(events).noneSatisfy(e -> assertThat(e).contains("\"usage\""));
        assertThat(upstream.lastRequest().json().has("stream_options")).isFalse();

        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0);
        assertThat(e.stream()).isTrue();
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.usageReported()).isTrue();
        assertThat(e.usage().promptTokens()).isEqualTo(PROMPT_TOKENS);
        assertThat(e.usage().cachedTokens()).isEqualTo(FakeAnthropicUpstream.CACHE_READ_TOKENS);
        assertThat(e.usage().completionTokens()).isEqualTo(FakeAnthropicUpstream.OUTPUT_TOKENS);
        assertThat(e.timeToFirstTokenMillis()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void includeUsageFalseBehavesLikeNoStreamOptions() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", "{\"model\":\"sonnet\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":false},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        List<String> events = SseEvents.data(r.body());
        assertThat(events).last().isEqualTo("[DONE]");
        assertThat(events).noneSatisfy(e -> assertThat(e).contains("\"usage\""));
        assertThat(gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0).usage().promptTokens()).isEqualTo(PROMPT_TOKENS);
    }

    @Test
    void streamEndsAtMessageStopWithoutWaitingForTheUpstreamToClose() {
        // Clients hang up after [DONE]; a stream that was delivered whole must still count as a success with usage.
        upstream.enqueue(upstream.slowCloseAfterMessageStop(Duration.ofSeconds(3)));
        long start = System.nanoTime();
        List<ChatCompletionChunk> chunks = stream(ChatCompletionCreateParams.builder().model("sonnet").addUserMessage("hi").build());
        assertThat(chunks).isNotEmpty();
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(e.status()).as("a complete stream, not a client that left early").isEqualTo(200);
        assertThat(e.usageReported()).isTrue();
        assertThat(e.usage().promptTokens()).isEqualTo(PROMPT_TOKENS);

        upstream.enqueue(upstream.slowCloseAfterMessageStop(Duration.ofSeconds(3)));
        start = System.nanoTime();
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"sonnet\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the response ends at message_stop").isLessThan(Duration.ofSeconds(3));
        assertThat(SseEvents.data(r.body())).last().isEqualTo("[DONE]");
    }

    @Test
    void anHttp2ClientsStreamEndingDoesNotResetTheUpstreamConnection() throws Exception {
        // HTTP/2 closes each stream after its response; that is no client leaving, and the upstream may still be
        // sending its last bytes after message_stop.
        upstream.enqueue(upstream.slowCloseAfterMessageStop(Duration.ofMillis(300)));
        int closedBefore = upstream.closedConnections();
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + GatewayFixture.KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"sonnet\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(SseEvents.data(r.body())).last().isEqualTo("[DONE]");
        assertThat(gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0).status()).isEqualTo(200);
        Thread.sleep(600); // past the upstream's own end
        assertThat(upstream.closedConnections()).as("upstream connections closed").isEqualTo(closedBefore);
    }

    static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }
}
