package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import dev.switchboard.testing.SseEvents;
import dev.switchboard.usage.UsageEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chat through the gateway to a native Gemini upstream, driven by the OpenAI SDK. */
class GeminiChatIT {
    static final long COMPLETION_TOKENS = FakeGeminiUpstream.CANDIDATES_TOKENS + FakeGeminiUpstream.THOUGHTS_TOKENS;
    static final ObjectMapper MAPPER = new ObjectMapper();

    static FakeGeminiUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeGeminiUpstream.start();
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
    void textAnswerWithTheSystemPromptAsSystemInstruction() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("google/" + FakeGeminiUpstream.MODEL)
                .addSystemMessage("You are terse.")
                .addUserMessage("hello there")
                .temperature(0.3)
                .maxCompletionTokens(200)
                .build());

        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.path()).isEqualTo("/v1beta/models/" + FakeGeminiUpstream.MODEL + ":generateContent");
        assertThat(seen.header("x-goog-api-key")).isEqualTo(GatewayFixture.UPSTREAM_KEY);
        assertThat(seen.header("authorization")).isNull();
        assertThat(seen.body()).doesNotContain(GatewayFixture.KEY);
        JsonNode body = seen.json();
        assertThat(body.at("/systemInstruction/parts/0/text").asText()).isEqualTo("You are terse.");
        assertThat(body.path("contents")).hasSize(1);
        assertThat(body.at("/generationConfig/temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(200);

        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).hasValue("echo: hello there");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.model()).isEqualTo(FakeGeminiUpstream.MODEL);
        CompletionUsage usage = c.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(FakeGeminiUpstream.PROMPT_TOKENS);
        assertThat(usage.completionTokens()).as("candidates + thoughts").isEqualTo(COMPLETION_TOKENS);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).hasValue((long) FakeGeminiUpstream.CACHED_TOKENS);
        assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens()).hasValue((long) FakeGeminiUpstream.THOUGHTS_TOKENS);
    }

    @Test
    void streamedTextArrivesInOrderWithOneFinishAndTheUsageChunkLast() {
        List<ChatCompletionChunk> chunks = stream(ChatCompletionCreateParams.builder()
                .model("flash").addUserMessage("hello big world")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());

        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.path()).endsWith(":streamGenerateContent");
        assertThat(seen.query()).isEqualTo("alt=sse");
        assertThat(seen.json().has("stream_options")).isFalse();

        assertThat(chunks.get(0).choices().get(0).delta().role()).hasValue(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        List<String> texts = new ArrayList<>();
        List<ChatCompletionChunk.Choice.FinishReason> finishes = new ArrayList<>();
        for (ChatCompletionChunk c : chunks) {
            for (ChatCompletionChunk.Choice ch : c.choices()) {
                ch.delta().content().filter(t -> !t.isEmpty()).ifPresent(texts::add);
                ch.finishReason().ifPresent(finishes::add);
            }
        }
        assertThat(String.join("", texts)).isEqualTo("echo: hello big world");
        assertThat(finishes).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        CompletionUsage usage = last.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(FakeGeminiUpstream.PROMPT_TOKENS);
        assertThat(usage.completionTokens()).isEqualTo(COMPLETION_TOKENS);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).hasValue((long) FakeGeminiUpstream.CACHED_TOKENS);
    }

    @Test
    void wireStreamEndsWithDoneOnceAndWithoutIncludeUsageHasNoUsageChunk() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one two\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> events = SseEvents.data(r.body());
        assertThat(events).last().isEqualTo("[DONE]");
        assertThat(events.stream().filter("[DONE]"::equals)).hasSize(1);
        assertThat(r.body()).doesNotContain("candidates").doesNotContain("usage");

        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0);
        assertThat(e.stream()).isTrue();
        assertThat(e.usage().completionTokens()).isEqualTo(COMPLETION_TOKENS);
    }

    static ChatCompletionFunctionTool tool(String name) {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name(name).description("Looks up " + name + " for a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                "city", Map.of("type", "string"), "unit", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build()).build();
    }

    @Test
    void toolsMakeAFullRoundTripWithTheThoughtSignatureKept() {
        ChatCompletionCreateParams.Builder question = ChatCompletionCreateParams.builder().model("flash")
                .addSystemMessage("Use the tools.")
                .addUserMessage("Weather in Paris and Tokyo?")
                .addTool(tool("get_weather"))
                .addTool(tool("get_time"));
        ChatCompletion first = client.chat().completions().create(question.build());

        JsonNode sent = upstream.lastRequest().json();
        assertThat(sent.at("/tools/0/functionDeclarations/0/name").asText()).isEqualTo("get_weather");
        assertThat(sent.at("/tools/0/functionDeclarations/0/parametersJsonSchema/required/0").asText()).isEqualTo("city");

        ChatCompletion.Choice choice = first.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(2);
        var paris = calls.get(0).asFunction();
        var tokyo = calls.get(1).asFunction();
        assertThat(paris.function().name()).isEqualTo("get_weather");
        assertThat(paris.function().arguments()).isEqualTo("{\"city\":\"Paris\",\"unit\":\"celsius\"}");
        assertThat(tokyo.function().name()).isEqualTo("get_time");
        assertThat(paris.id()).isNotEqualTo(tokyo.id());

        ChatCompletion second = client.chat().completions().create(question
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(paris.id()).content("{\"temp_c\":18}").build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(tokyo.id()).content("09:00").build())
                .build());

        JsonNode back = upstream.lastRequest().json();
        JsonNode contents = back.path("contents");
        assertThat(contents).hasSize(3);
        assertThat(contents.get(1).path("role").asText()).isEqualTo("model");
        assertThat(contents.at("/1/parts/0/thoughtSignature").asText()).isEqualTo(FakeGeminiUpstream.SIGNATURE);
        assertThat(contents.at("/2/parts/0/functionResponse/name").asText()).isEqualTo("get_weather");
        assertThat(contents.at("/2/parts/1/functionResponse/response/result").asText()).isEqualTo("09:00");
        assertThat(second.choices().get(0).message().content())
                .hasValue("results: get_weather={\"temp_c\":18}; get_time={\"result\":\"09:00\"}");
        assertThat(second.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    }

    @Test
    void streamedToolCallsArriveWholeWithStableIndexes() {
        List<ChatCompletionChunk> chunks = stream(ChatCompletionCreateParams.builder().model("flash")
                .addUserMessage("Weather?").addTool(tool("get_weather"))
                .toolChoice(com.openai.models.chat.completions.ChatCompletionToolChoiceOption.Auto.REQUIRED).build());
        assertThat(upstream.lastRequest().json().at("/toolConfig/functionCallingConfig/mode").asText()).isEqualTo("ANY");
        Map<Long, String> args = new LinkedHashMap<>();
        List<ChatCompletionChunk.Choice.FinishReason> finishes = new ArrayList<>();
        for (ChatCompletionChunk c : chunks) {
            for (ChatCompletionChunk.Choice ch : c.choices()) {
                ch.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
                    assertThat(tc.id()).isPresent();
                    args.merge(tc.index(), tc.function().orElseThrow().arguments().orElse(""), String::concat);
                }));
                ch.finishReason().ifPresent(finishes::add);
            }
        }
        assertThat(args).containsOnlyKeys(0L, 1L);
        assertThat(args.get(1L)).isEqualTo("{\"city\":\"Tokyo\",\"unit\":\"celsius\"}");
        assertThat(finishes).containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void jsonSchemaOutputIsAskedForAndComesBackAsContent() throws Exception {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("flash")
                .addUserMessage("A city and its country, please.")
                .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                        .name("place")
                        .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                        "city", Map.of("type", "string"), "population", Map.of("type", "integer"))))
                                .build())
                        .build()).build())
                .build());
        JsonNode gen = upstream.lastRequest().json().path("generationConfig");
        assertThat(gen.path("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(gen.at("/responseJsonSchema/properties/population/type").asText()).isEqualTo("integer");
        JsonNode answer = MAPPER.readTree(c.choices().get(0).message().content().orElseThrow());
        assertThat(answer.path("city").asText()).isEqualTo("city-value");
        assertThat(answer.path("population").asInt()).isEqualTo(1);
    }

    @Test
    void safetyBlocksSurfaceAsContentFilter() {
        ChatCompletion blocked = client.chat().completions().create(ChatCompletionCreateParams.builder().model("flash")
                .addUserMessage("please blockme").build());
        assertThat(blocked.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.CONTENT_FILTER);
        assertThat(blocked.choices().get(0).message().content()).hasValue("");

        ChatCompletion stopped = client.chat().completions().create(ChatCompletionCreateParams.builder().model("flash")
                .addUserMessage("something unsafe").build());
        assertThat(stopped.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.CONTENT_FILTER);

        List<ChatCompletionChunk> chunks = stream(ChatCompletionCreateParams.builder().model("flash")
                .addUserMessage("blockme again").build());
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).flatMap(ch -> ch.finishReason().stream()).toList())
                .containsExactly(ChatCompletionChunk.Choice.FinishReason.CONTENT_FILTER);
    }

    @Test
    void aUsageEventIsRecordedWithCachedAndThoughtsTokens() {
        client.chat().completions().create(ChatCompletionCreateParams.builder().model("flash").addUserMessage("count me").build());
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0);
        assertThat(e.provider()).isEqualTo("google");
        assertThat(e.upstreamModel()).isEqualTo(FakeGeminiUpstream.MODEL);
        assertThat(e.usageReported()).isTrue();
        assertThat(e.usage().promptTokens()).isEqualTo(FakeGeminiUpstream.PROMPT_TOKENS);
        assertThat(e.usage().cachedTokens()).isEqualTo(FakeGeminiUpstream.CACHED_TOKENS);
        assertThat(e.usage().reasoningTokens()).isEqualTo(FakeGeminiUpstream.THOUGHTS_TOKENS);
        assertThat(e.usage().completionTokens()).isEqualTo(COMPLETION_TOKENS);
        assertThat(e.usage().totalTokens()).isEqualTo(FakeGeminiUpstream.PROMPT_TOKENS + COMPLETION_TOKENS);
    }

    @Test
    void rateLimit429IsPassedOnWithRetryAfter() {
        upstream.enqueue(FakeGeminiUpstream.error(429, "RESOURCE_EXHAUSTED",
                "You exceeded your current quota, please check your plan and billing details.", "retry-after", "17"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        JsonNode error = assertError(r, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(r.headers().firstValue("retry-after")).hasValue("17");
        assertThat(error.get("message").asText()).contains("exceeded your current quota");

        upstream.enqueue(FakeGeminiUpstream.error(429, "RESOURCE_EXHAUSTED", "slow down", "retry-after", "3"));
        RateLimitException e = catchThrowableOfType(RateLimitException.class, () -> gateway.openAiClient().chat().completions()
                .create(ChatCompletionCreateParams.builder().model("flash").addUserMessage("hi").build()));
        assertThat(e.statusCode()).isEqualTo(429);
    }

    @Test
    void unsupportedParametersAreRefusedBeforeTheUpstreamIsCalled() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"flash\",\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        JsonNode error = assertError(r, 400, "invalid_request_error", "invalid_parameter");
        assertThat(error.path("param").asText()).isEqualTo("logprobs");
        assertThat(upstream.requests()).isEmpty();
    }
}
