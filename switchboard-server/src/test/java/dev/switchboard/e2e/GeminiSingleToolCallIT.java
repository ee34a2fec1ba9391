package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAny;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parallel tool use switched off ({@code parallel_tool_calls: false}; Anthropic's
 * {@code disable_parallel_tool_use}) at Gemini and at Gemini on Vertex AI, which have no such switch: the request
 * is accepted and the gateway passes only the first function call of each answer, streamed or not, in the
 * caller's dialect. The fake answers every tool request with two calls (Paris, then Tokyo).
 */
class GeminiSingleToolCallIT {
    static final String GEMINI = "google/" + FakeGeminiUpstream.MODEL;
    static final String VERTEX = "vertex/" + FakeGeminiUpstream.MODEL;
    static final ObjectMapper MAPPER = new ObjectMapper();

    static FakeGeminiUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient openAi;
    static AnthropicClient anthropic;

    @BeforeAll
    static void start() {
        upstream = FakeGeminiUpstream.start();
        String sa = upstream.newServiceAccountJson("switchboard@fake-project.iam.gserviceaccount.com");
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: google, type: gemini, base_url: %s, api_key: %s, models: [%s] }
                  - { name: vertex, type: vertex-gemini, base_url: "%s", api_key: "${env:VERTEX_SA_JSON}" }
                keys:
                  - { name: tester, key: %s }
                """.formatted(upstream.baseUrl(), FakeGeminiUpstream.API_KEY, FakeGeminiUpstream.MODEL,
                upstream.vertexBaseUrl(), GatewayFixture.KEY), Map.of("VERTEX_SA_JSON", sa));
        openAi = gateway.openAiClient();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(GatewayFixture.KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        anthropic.close();
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
    }

    @AfterEach
    void upstreamRefusedNothing() {
        assertThat(upstream.rejections()).as("requests the strict fake refused").isEmpty();
    }

    static ChatCompletionFunctionTool weather() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                .description("Weather for a city").parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build()).build()).build();
    }

    static ChatCompletionCreateParams.Builder weatherQuestion(String model, boolean parallel) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Weather in Paris and Tokyo?")
                .addTool(weather()).parallelToolCalls(parallel);
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** The last generateContent call (the token exchange is not one). */
    static RecordedRequest lastGenerate() {
        return upstream.requests().stream().filter(r -> !r.path().equals(FakeGeminiUpstream.TOKEN_PATH))
                .reduce((a, b) -> b).orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {GEMINI, VERTEX})
    void openAiClientGetsOnlyTheFirstCallAndCanAnswerIt(String model) {
        ChatCompletionCreateParams.Builder q = weatherQuestion(model, false);
        ChatCompletion c = openAi.chat().completions().create(q.build());

        assertThat(lastGenerate().body()).as("Gemini has no such field: nothing about it goes upstream").doesNotContain("parallel");
        List<ChatCompletionMessageToolCall> calls = c.choices().get(0).message().toolCalls().orElseThrow();
        assertThat(calls).as("the fake answered with two calls; the second is not passed on").hasSize(1);
        assertThat(json(calls.get(0).asFunction().function().arguments()).path("city").asText()).isEqualTo("Paris");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);

        // The conversation goes on with the one call answered; the strict fake checks that every call of the
        // model turn is answered and that the call comes back with its thoughtSignature.
        q.addMessage(c.choices().get(0).message()).addMessage(ChatCompletionToolMessageParam.builder()
                .toolCallId(calls.get(0).asFunction().id()).content("18C and sunny").build());
        ChatCompletion second = openAi.chat().completions().create(q.build());
        assertThat(second.choices().get(0).message().content().orElse("")).contains("18C and sunny");
        assertThat(lastGenerate().json().at("/contents/1/parts")).as("the model turn as the client kept it").hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {GEMINI, VERTEX})
    void openAiStreamCarriesOnlyTheFirstCall(String model) {
        List<ChatCompletionChunk> chunks;
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> s =
                     openAi.chat().completions().createStreaming(weatherQuestion(model, false).build())) {
            chunks = s.stream().toList();
        }
        assertStreamedOneParisCall(chunks);
    }

    @Test
    void callsStreamedInSeparateEventsStillGiveOne() {
        upstream.enqueue(FakeGeminiUpstream.callsInSeparateEvents("get_weather"));
        List<ChatCompletionChunk> chunks;
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> s =
                     openAi.chat().completions().createStreaming(weatherQuestion(GEMINI, false).build())) {
            chunks = s.stream().toList();
        }
        assertStreamedOneParisCall(chunks);
    }

    static void assertStreamedOneParisCall(List<ChatCompletionChunk> chunks) {
        List<ChatCompletionChunk.Choice.Delta.ToolCall> deltas = new ArrayList<>();
        List<ChatCompletionChunk.Choice.FinishReason> finishes = new ArrayList<>();
        for (ChatCompletionChunk chunk : chunks) {
            for (ChatCompletionChunk.Choice ch : chunk.choices()) {
                ch.delta().toolCalls().ifPresent(deltas::addAll);
                ch.finishReason().ifPresent(finishes::add);
            }
        }
        assertThat(deltas).as("tool-call deltas").isNotEmpty().allSatisfy(d -> assertThat(d.index()).isZero());
        assertThat(deltas.stream().map(d -> d.id().orElse("")).filter(id -> !id.isEmpty()).distinct()).hasSize(1);
        StringBuilder args = new StringBuilder();
        deltas.forEach(d -> d.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments).ifPresent(args::append));
        assertThat(json(args.toString()).path("city").asText()).isEqualTo("Paris");
        assertThat(finishes).containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    }

    @ParameterizedTest
    @ValueSource(strings = {GEMINI, VERTEX})
    void parallelCallsStayTheDefault(String model) {
        ChatCompletion explicit = openAi.chat().completions().create(weatherQuestion(model, true).build());
        assertThat(explicit.choices().get(0).message().toolCalls().orElseThrow()).hasSize(2);
        ChatCompletion unset = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(model)
                .addUserMessage("Weather in Paris and Tokyo?").addTool(weather()).build());
        assertThat(unset.choices().get(0).message().toolCalls().orElseThrow()).hasSize(2);
    }

    // ---- Anthropic's Messages API at /v1/messages, as the Vercel AI SDK's Anthropic provider calls it ----------

    static MessageCreateParams anthropicSingleTool(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage("Weather in Paris and Tokyo?")
                .addTool(Tool.builder().name("get_weather").description("Weather for a city")
                        .inputSchema(Tool.InputSchema.builder()
                                .properties(com.anthropic.core.JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .addRequired("city").build()).build())
                .toolChoice(ToolChoiceAny.builder().disableParallelToolUse(true).build())
                .build();
    }

    static List<ToolUseBlock> toolUses(Message m) {
        return m.content().stream().filter(ContentBlock::isToolUse).map(ContentBlock::asToolUse).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {GEMINI, VERTEX})
    void anthropicClientWithParallelToolUseDisabledGetsOneToolUse(String model) {
        Message m = anthropic.messages().create(anthropicSingleTool(model)).validate();

        assertThat(lastGenerate().json().at("/toolConfig/functionCallingConfig/mode").asText()).isEqualTo("ANY");
        List<ToolUseBlock> uses = toolUses(m);
        assertThat(uses).hasSize(1);
        assertThat(uses.get(0).name()).isEqualTo("get_weather");
        assertThat(uses.get(0)._input().toString()).contains("Paris");
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
    }

    @ParameterizedTest
    @ValueSource(strings = {GEMINI, VERTEX})
    void anthropicStreamWithParallelToolUseDisabledGetsOneToolUse(String model) {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> events = anthropic.messages().createStreaming(anthropicSingleTool(model))) {
            events.stream().forEach(e -> acc.accumulate(e.validate()));
        }
        Message m = acc.message().validate();
        List<ToolUseBlock> uses = toolUses(m);
        assertThat(uses).hasSize(1);
        assertThat(uses.get(0)._input().toString()).contains("Paris");
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
    }

    // ---- careless clients -------------------------------------------------------------------------------------

    @Test
    void aNonBooleanIsRefusedByName() {
        JsonNode error = assertError(gateway.post("/v1/chat/completions", """
                {"model":"%s","messages":[{"role":"user","content":"hi"}],"parallel_tool_calls":"no",
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}
                """.formatted(GEMINI)), 400, "invalid_request_error", "invalid_parameter");
        assertThat(error.path("param").asText()).isEqualTo("parallel_tool_calls");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void falseWithoutToolsAsksForNothing() {
        ChatCompletion c = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(GEMINI)
                .addUserMessage("hello").parallelToolCalls(false).build());
        assertThat(c.choices().get(0).message().content()).hasValue("echo: hello");
    }
}
