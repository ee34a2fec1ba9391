package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chat completions through the gateway with the official OpenAI SDK: non-stream and streamed. */
class ChatCompletionsIT {
    static FakeUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.openAi(upstream);
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

    @Test
    void nonStreamChatReachesUpstreamWithProviderKeyAndModelName() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("fake/gpt-4o")
                .addUserMessage("hello")
                .build());

        assertThat(c.choices().get(0).message().content()).contains("echo: hello");
        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        assertThat(seen.json().path("model").asText()).isEqualTo("gpt-4o");
        assertThat(seen.header("authorization")).isEqualTo("Bearer " + GatewayFixture.UPSTREAM_KEY);
        assertThat(seen.body()).doesNotContain(GatewayFixture.KEY);
        seen.headers().values().forEach(v -> assertThat(String.join(",", v)).doesNotContain(GatewayFixture.KEY));
    }

    @Test
    void nonStreamChatReturnsTheWholeCompletionAsTheSdkExpectsIt() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("fake/gpt-4o")
                .addSystemMessage("be brief")
                .addUserMessage("what is the capital of France")
                .build());

        assertThat(c.id()).isEqualTo("chatcmpl-fake");
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).hasValue("echo: what is the capital of France");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage()).isPresent();
        assertThat(c.usage().get().promptTokens()).isEqualTo(11);
        assertThat(upstream.lastRequest().json().path("messages")).hasSize(2);
        assertThat(upstream.lastRequest().json().has("stream")).isFalse();
    }

    @Test
    void streamedChatDeliversTheTextInChunks() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("fake/gpt-4o").addUserMessage("hello streaming world").build())) {
            stream.stream().forEach(chunks::add);
        }

        StringBuilder text = new StringBuilder();
        chunks.forEach(ch -> ch.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("echo: hello streaming world");
        // several content chunks, not one buffered blob
        assertThat(chunks.stream().filter(ch -> ch.choices().stream()
                .anyMatch(choice -> choice.delta().content().filter(s -> !s.isEmpty()).isPresent())).count())
                .isGreaterThan(1);
        assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason())
                .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.json().path("stream").asBoolean()).isTrue();
        assertThat(seen.json().path("model").asText()).isEqualTo("gpt-4o");
    }

    @Test
    void streamedResponseHasEventStreamHeaders() {
        var res = gateway.post("/v1/chat/completions",
                "{\"model\":\"fake/gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(res.body()).contains("\"content\":\"echo: \"").endsWith("data: [DONE]\n\n");
    }

    @Test
    void firstChunkReachesTheClientLongBeforeTheUpstreamFinishes() {
        long gapMillis = 1500;
        AtomicLong lastSentNanos = new AtomicLong();
        upstream.enqueue((req, body) -> {
            HttpServerResponse res = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            res.write(sse(chunk("{\"role\":\"assistant\",\"content\":\"Hel\"}", null)));
            upstream.vertx().setTimer(gapMillis, id -> {
                lastSentNanos.set(System.nanoTime());
                res.write(sse(chunk("{\"content\":\"lo\"}", null)) + sse(chunk("{}", "\"stop\"")) + "data: [DONE]\n\n");
                res.end();
            });
        });

        long firstReceived = -1;
        long lastReceived = -1;
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("fake/gpt-4o").addUserMessage("slow").build())) {
            for (ChatCompletionChunk ch : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                long now = System.nanoTime();
                if (firstReceived < 0) {
                    firstReceived = now;
                }
                lastReceived = now;
                ch.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            }
        }

        assertThat(text.toString()).isEqualTo("Hello");
        assertThat(lastSentNanos.get()).as("the upstream sent its last chunk").isPositive();
        long leadMillis = (lastSentNanos.get() - firstReceived) / 1_000_000;
        assertThat(leadMillis).as("first chunk arrived this long before the upstream sent the last one")
                .isGreaterThan(gapMillis - 500);
        assertThat(lastReceived).isGreaterThanOrEqualTo(lastSentNanos.get());
    }

    private static String chunk(String delta, String finishReason) {
        return "{\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                + "\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finishReason + "}]}";
    }

    private static String sse(String data) {
        return "data: " + data + "\n\n";
    }
}
