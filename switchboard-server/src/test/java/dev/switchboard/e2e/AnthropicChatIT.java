package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import dev.switchboard.usage.UsageEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Non-streamed chat through the gateway to an Anthropic Messages upstream, and the requests it must refuse itself. */
class AnthropicChatIT {
    static final long PROMPT_TOKENS = FakeAnthropicUpstream.INPUT_TOKENS + FakeAnthropicUpstream.CACHE_CREATION_TOKENS
            + FakeAnthropicUpstream.CACHE_READ_TOKENS;

    static FakeAnthropicUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeAnthropicUpstream.start();
        gateway = GatewayFixture.withYaml(upstream.gatewayYaml());
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

    @Test
    void systemPromptIsHoistedAndTheAnswerComesBackInOpenAiShape() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude/" + FakeAnthropicUpstream.MODEL)
                .addSystemMessage("You are terse.")
                .addUserMessage("hello there")
                .build());

        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.path()).isEqualTo("/v1/messages");
        JsonNode body = seen.json();
        assertThat(body.path("model").asText()).isEqualTo(FakeAnthropicUpstream.MODEL);
        assertThat(systemText(body.get("system"))).isEqualTo("You are terse.");
        assertThat(body.path("messages")).hasSize(1);
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(body.toString()).doesNotContain("\"role\":\"system\"");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(4096); // the default: Anthropic requires a limit
        assertThat(body.has("stream")).isFalse();

        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).hasValue("echo: hello there");
        assertThat(c.choices().get(0).message().toolCalls()).isEmpty();
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.id()).startsWith("msg_");
        assertThat(c.model()).isEqualTo(FakeAnthropicUpstream.MODEL);
        CompletionUsage usage = c.usage().orElseThrow();
        assertThat(usage.promptTokens()).as("input + cache reads + cache writes").isEqualTo(PROMPT_TOKENS);
        assertThat(usage.completionTokens()).isEqualTo(FakeAnthropicUpstream.OUTPUT_TOKENS);
        assertThat(usage.totalTokens()).isEqualTo(PROMPT_TOKENS + FakeAnthropicUpstream.OUTPUT_TOKENS);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).hasValue((long) FakeAnthropicUpstream.CACHE_READ_TOKENS);
    }

    @Test
    void upstreamGetsItsOwnKeyAndVersionAndNeverTheClientKey() {
        client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("sonnet").addUserMessage("hi").build());

        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.header("x-api-key")).isEqualTo(GatewayFixture.UPSTREAM_KEY);
        assertThat(seen.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(seen.header("content-type")).startsWith("application/json");
        assertThat(seen.header("authorization")).isNull();
        assertThat(seen.body()).doesNotContain(GatewayFixture.KEY);
        seen.headers().values().forEach(v -> assertThat(String.join(",", v)).doesNotContain(GatewayFixture.KEY));
    }

    @Test
    void clientsTokenLimitIsSentAsMaxTokens() {
        client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("sonnet").addUserMessage("hi").maxCompletionTokens(300).build());
        assertThat(upstream.lastRequest().json().path("max_tokens").asInt()).isEqualTo(300);

        gateway.post("/v1/chat/completions", "{\"model\":\"sonnet\",\"max_tokens\":77,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(upstream.lastRequest().json().path("max_tokens").asInt()).isEqualTo(77);
    }

    @Test
    void aUsageEventIsRecordedWithCachedTokens() {
        client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("sonnet").addUserMessage("count me").build());

        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0);
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.stream()).isFalse();
        assertThat(e.keyName()).isEqualTo("tester");
        assertThat(e.provider()).isEqualTo("claude");
        assertThat(e.publicModel()).isEqualTo("sonnet");
        assertThat(e.upstreamModel()).isEqualTo(FakeAnthropicUpstream.MODEL);
        assertThat(e.usageReported()).isTrue();
        assertThat(e.usage().promptTokens()).isEqualTo(PROMPT_TOKENS);
        assertThat(e.usage().cachedTokens()).isEqualTo(FakeAnthropicUpstream.CACHE_READ_TOKENS);
        assertThat(e.usage().completionTokens()).isEqualTo(FakeAnthropicUpstream.OUTPUT_TOKENS);
        assertThat(e.usage().totalTokens()).isEqualTo(PROMPT_TOKENS + FakeAnthropicUpstream.OUTPUT_TOKENS);
    }

    @Test
    void multiTurnHistoryAlternatesAndSystemAndDeveloperMessagesAreAllHoisted() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"sonnet","messages":[
                  {"role":"system","content":"Rule one."},
                  {"role":"user","content":"first"},
                  {"role":"assistant","content":"ok"},
                  {"role":"developer","content":"Rule two."},
                  {"role":"user","content":"second"},
                  {"role":"user","content":"third"}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = upstream.lastRequest().json();
        assertThat(systemText(body.get("system"))).isEqualTo("Rule one.|Rule two.");
        assertThat(body.path("messages")).extracting(m -> m.path("role").asText()).containsExactly("user", "assistant", "user");
        assertThat(r.body()).contains("echo: secondthird");
    }

    @Test
    void nAboveOneIsRefusedByNameAndNothingGoesUpstream() {
        BadRequestException e = catchThrowableOfType(BadRequestException.class, () -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("sonnet").addUserMessage("hi").n(2).build()));
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.getMessage()).contains("'n'");

        JsonNode error = assertError(gateway.post("/v1/chat/completions",
                "{\"model\":\"sonnet\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                400, "invalid_request_error", "invalid_parameter");
        assertThat(error.get("param").asText()).isEqualTo("n");
        assertThat(error.get("message").asText()).contains("'n'").contains("Anthropic");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void logprobsAreRefusedByNameAndNothingGoesUpstream() {
        for (String extra : List.of("\"logprobs\":true", "\"logprobs\":true,\"top_logprobs\":3")) {
            JsonNode error = assertError(gateway.post("/v1/chat/completions",
                    "{\"model\":\"sonnet\"," + extra + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                    400, "invalid_request_error", "invalid_parameter");
            assertThat(error.get("param").asText()).isIn("logprobs", "top_logprobs");
            assertThat(error.get("message").asText()).contains("'" + error.get("param").asText() + "'");
        }
        assertThat(upstream.requests()).isEmpty();
        gateway.usage().awaitEvents(2, Duration.ofSeconds(2))
                .forEach(u -> assertThat(u.status()).isEqualTo(400));
    }

    @Test
    void neutralValuesOfThoseParametersPass() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"sonnet\",\"n\":1,\"logprobs\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(upstream.lastRequest().json().has("n")).isFalse();
        assertThat(upstream.lastRequest().json().has("logprobs")).isFalse();
    }

    @Test
    void embeddingsForAnAnthropicModelAre400AndNothingGoesUpstream() {
        HttpResponse<String> r = gateway.post("/v1/embeddings", "{\"model\":\"sonnet\",\"input\":\"hello\"}");
        JsonNode error = assertError(r, 400, "invalid_request_error", "invalid_request");
        assertThat(error.get("message").asText()).contains("claude").contains("embeddings");
        assertThat(upstream.requests()).isEmpty();
    }

    /** The hoisted system prompt as text: a string, or text blocks joined with '|'. */
    static String systemText(JsonNode system) {
        assertThat(system).as("top-level system").isNotNull();
        if (system.isTextual()) {
            return system.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode b : system) {
            assertThat(b.path("type").asText()).isEqualTo("text");
            sb.append(sb.isEmpty() ? "" : "|").append(b.path("text").asText());
        }
        return sb.toString();
    }
}
