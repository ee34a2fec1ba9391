package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import dev.switchboard.testing.FakeBedrockUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import dev.switchboard.testing.SseEvents;
import dev.switchboard.usage.UsageEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chat through the gateway to a native (SigV4-checking, event-stream-speaking) Bedrock upstream, via the OpenAI SDK. */
class BedrockChatIT {
    static final long PROMPT = FakeBedrockUpstream.INPUT_TOKENS + FakeBedrockUpstream.CACHE_READ_TOKENS;

    static FakeBedrockUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeBedrockUpstream.start();
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

    static List<ChatCompletionChunk> stream(ChatCompletionCreateParams params) {
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            return s.stream().toList();
        }
    }

    @Test
    void textAnswerIsSignedAndTranslated() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude").addSystemMessage("You are terse.").addUserMessage("hello there")
                .temperature(0.3).maxCompletionTokens(200).build());

        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.path()).isEqualTo("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
        assertThat(seen.header("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + FakeBedrockUpstream.ACCESS_KEY + "/")
                .doesNotContain(FakeBedrockUpstream.SECRET_KEY);
        assertThat(seen.body()).doesNotContain(GatewayFixture.KEY).doesNotContain("\"model\"");
        JsonNode body = seen.json();
        assertThat(body.at("/system/0/text").asText()).isEqualTo("You are terse.");
        assertThat(body.at("/inferenceConfig/temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.at("/inferenceConfig/maxTokens").asInt()).isEqualTo(200);

        assertThat(c.choices().get(0).message().content()).hasValue("echo: hello there");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        CompletionUsage usage = c.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(PROMPT);
        assertThat(usage.completionTokens()).isEqualTo(FakeBedrockUpstream.OUTPUT_TOKENS);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).hasValue((long) FakeBedrockUpstream.CACHE_READ_TOKENS);
    }

    @Test
    void streamedTextFromBinaryFramesArrivesInOrderWithOneFinishAndUsageLast() {
        List<ChatCompletionChunk> chunks = stream(ChatCompletionCreateParams.builder()
                .model("claude").addUserMessage("hello big world")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());

        assertThat(upstream.lastRequest().path()).endsWith("/converse-stream");
        assertThat(chunks.get(0).choices().get(0).delta().role()).hasValue(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        List<String> texts = new ArrayList<>();
        List<ChatCompletionChunk.Choice.FinishReason> finishes = new ArrayList<>();
        for (ChatCompletionChunk c : chunks) {
            for (ChatCompletionChunk.Choice ch : c.choices()) {
                ch.delta().content().filter(t -> !t.isEmpty()).ifPresent(texts::add);
                ch.finishReason().ifPresent(finishes::add);
            }
        }
        assertThat(texts).hasSizeGreaterThan(1);
        assertThat(String.join("", texts)).isEqualTo("echo: hello big world");
        assertThat(finishes).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().promptTokens()).isEqualTo(PROMPT);
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(FakeBedrockUpstream.OUTPUT_TOKENS);
    }

    @Test
    void wireStreamEndsWithDoneOnceAndWithoutIncludeUsageHasNoUsageChunk() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"claude\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one two\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> events = SseEvents.data(r.body());
        assertThat(events).last().isEqualTo("[DONE]");
        assertThat(events.stream().filter("[DONE]"::equals)).hasSize(1);
        assertThat(r.body()).doesNotContain("usage").doesNotContain("contentBlock");

        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0);
        assertThat(e.stream()).isTrue();
        assertThat(e.usage().promptTokens()).isEqualTo(PROMPT);
        assertThat(e.usage().completionTokens()).isEqualTo(FakeBedrockUpstream.OUTPUT_TOKENS);
    }

    static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("Weather for a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build()).build();
    }

    @Test
    void toolsMakeAFullRoundTrip() {
        ChatCompletionCreateParams.Builder question = ChatCompletionCreateParams.builder().model("claude")
                .addUserMessage("Weather in Paris?").addTool(weatherTool());
        ChatCompletion first = client.chat().completions().create(question.build());

        JsonNode sent = upstream.lastRequest().json();
        assertThat(sent.at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo("get_weather");
        assertThat(sent.at("/toolConfig/tools/0/toolSpec/inputSchema/json/required/0").asText()).isEqualTo("city");
        assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageToolCall> calls = first.choices().get(0).message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        var call = calls.get(0).asFunction();
        assertThat(call.id()).isEqualTo("tooluse_paris_1");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");

        ChatCompletion second = client.chat().completions().create(question
                .addMessage(first.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18C and sunny").build())
                .build());
        JsonNode round = upstream.lastRequest().json();
        assertThat(round.at("/messages/1/content/0/toolUse/input/city").asText()).isEqualTo("Paris");
        assertThat(round.at("/messages/2/content/0/toolResult/toolUseId").asText()).isEqualTo("tooluse_paris_1");
        assertThat(second.choices().get(0).message().content()).hasValue("results: 18C and sunny");
    }

    @Test
    void streamedToolCallsKeepTheirIndexAndIdAndStreamTheArguments() {
        List<ChatCompletionChunk> chunks = stream(ChatCompletionCreateParams.builder().model("claude")
                .addUserMessage("Weather in Paris?").addTool(weatherTool()).build());
        StringBuilder args = new StringBuilder();
        List<String> ids = new ArrayList<>();
        List<ChatCompletionChunk.Choice.FinishReason> finishes = new ArrayList<>();
        for (ChatCompletionChunk c : chunks) {
            for (ChatCompletionChunk.Choice ch : c.choices()) {
                for (ChatCompletionChunk.Choice.Delta.ToolCall tc : ch.delta().toolCalls().orElse(List.of())) {
                    assertThat(tc.index()).isZero();
                    tc.id().ifPresent(ids::add);
                    tc.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments).ifPresent(args::append);
                }
                ch.finishReason().ifPresent(finishes::add);
            }
        }
        assertThat(ids).containsExactly("tooluse_paris_1");
        assertThat(args.toString()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(finishes).containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void aUsageEventIsRecorded() {
        client.chat().completions().create(ChatCompletionCreateParams.builder().model("claude").addUserMessage("count me").build());
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0);
        assertThat(e.provider()).isEqualTo("aws");
        assertThat(e.upstreamModel()).isEqualTo(FakeBedrockUpstream.MODEL);
        assertThat(e.usageReported()).isTrue();
        assertThat(e.usage().promptTokens()).isEqualTo(PROMPT);
        assertThat(e.usage().cachedTokens()).isEqualTo(FakeBedrockUpstream.CACHE_READ_TOKENS);
        assertThat(e.usage().totalTokens()).isEqualTo(PROMPT + FakeBedrockUpstream.OUTPUT_TOKENS);
    }

    @Test
    void throttlingIsA429WithRetryAfter() {
        upstream.enqueue(FakeBedrockUpstream.error(429, "ThrottlingException", "Too many requests, please wait.", "retry-after", "7"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        JsonNode error = assertError(r, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(r.headers().firstValue("retry-after")).hasValue("7");
        assertThat(error.get("message").asText()).contains("Too many requests");

        upstream.enqueue(FakeBedrockUpstream.error(429, "ThrottlingException", "slow down"));
        RateLimitException e = catchThrowableOfType(RateLimitException.class, () -> client.chat().completions()
                .create(ChatCompletionCreateParams.builder().model("claude").addUserMessage("hi").build()));
        assertThat(e.statusCode()).isEqualTo(429);
    }

    @Test
    void anExceptionInsideTheStreamEndsItWithOneErrorEvent() {
        upstream.enqueue(upstream.streamException("throttlingException", "Too many tokens, please wait."));
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"claude\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("partial").contains("Too many tokens").doesNotContain("[DONE]");
    }

    @Test
    void unsupportedParametersAreRefusedBeforeTheUpstreamIsCalled() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"claude\",\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        JsonNode error = assertError(r, 400, "invalid_request_error", "invalid_parameter");
        assertThat(error.path("param").asText()).isEqualTo("logprobs");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void theFakeRefusesABadSignatureSoTheChecksAboveMeanSomething() throws Exception {
        java.net.http.HttpRequest bad = java.net.http.HttpRequest.newBuilder(java.net.URI.create(upstream.baseUrl()
                        + "/model/m/converse"))
                .header("content-type", "application/json").header("x-amz-date", "20250101T000000Z")
                .header("x-amz-content-sha256", "0".repeat(64))
                .header("authorization", "AWS4-HMAC-SHA256 Credential=" + FakeBedrockUpstream.ACCESS_KEY
                        + "/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=" + "a".repeat(64))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"messages\":[]}")).build();
        HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(bad, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(upstream.rejections()).hasSize(1);
        upstream.reset();
    }
}
