package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A full tool round trip: OpenAI tools to Anthropic tools, tool_use back as tool_calls, and tool results sent back. */
class AnthropicToolsIT {
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

    static ChatCompletionCreateParams.Builder weatherQuestion() {
        return ChatCompletionCreateParams.builder().model("sonnet")
                .addSystemMessage("Use the tools.")
                .addUserMessage("Weather in Paris and Tokyo?")
                .addTool(tool("get_weather"))
                .addTool(tool("get_time"));
    }

    @Test
    void autoToolChoiceGivesTwoParallelToolCallsThenTheResultsRoundTrip() {
        ChatCompletion first = client.chat().completions().create(weatherQuestion()
                .toolChoice(ChatCompletionToolChoiceOption.Auto.AUTO).build());

        JsonNode sent = upstream.lastRequest().json();
        assertThat(sent.path("tools")).hasSize(2);
        assertThat(sent.path("tools").get(0).path("name").asText()).isEqualTo("get_weather");
        assertThat(sent.path("tools").get(0).path("input_schema").path("properties").has("city")).isTrue();
        assertThat(sent.path("tool_choice").path("type").asText()).isEqualTo("auto");

        ChatCompletion.Choice choice = first.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).hasValue("Let me check both cities.");
        List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
                .map(c -> c.asFunction()).toList();
        assertThat(calls).hasSize(2);
        assertThat(calls).extracting(c -> c.function().name()).containsExactly("get_weather", "get_time");
        assertThat(calls).allSatisfy(c -> assertThat(c.id()).startsWith("toolu_"));
        assertThat(calls.get(0).id()).isNotEqualTo(calls.get(1).id());
        assertThat(AnthropicStreamingIT.json(calls.get(0).function().arguments()))
                .isEqualTo(AnthropicStreamingIT.json("{\"city\":\"Paris\",\"unit\":\"celsius\"}"));
        assertThat(AnthropicStreamingIT.json(calls.get(1).function().arguments()).path("city").asText()).isEqualTo("Tokyo");

        ChatCompletion second = client.chat().completions().create(weatherQuestion()
                .addMessage(choice.message())
                .addMessage(toolResult(calls.get(0).id(), "18C and sunny"))
                .addMessage(toolResult(calls.get(1).id(), "09:00"))
                .build());

        JsonNode followUp = upstream.lastRequest().json();
        JsonNode messages = followUp.path("messages");
        assertThat(messages).extracting(m -> m.path("role").asText()).containsExactly("user", "assistant", "user");
        JsonNode assistant = messages.get(1).path("content");
        assertThat(assistant).extracting(b -> b.path("type").asText()).containsExactly("text", "tool_use", "tool_use");
        assertThat(assistant.get(1).path("id").asText()).isEqualTo(calls.get(0).id());
        assertThat(assistant.get(1).path("input").path("city").asText()).isEqualTo("Paris");
        JsonNode results = messages.get(2).path("content");
        assertThat(results).hasSize(2);
        assertThat(results).extracting(b -> b.path("type").asText()).containsOnly("tool_result");
        assertThat(results).extracting(b -> b.path("tool_use_id").asText()).containsExactly(calls.get(0).id(), calls.get(1).id());

        ChatCompletion.Choice answer = second.choices().get(0);
        assertThat(answer.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(answer.message().toolCalls()).isEmpty();
        assertThat(answer.message().content()).hasValue(
                "results: " + calls.get(0).id() + "=18C and sunny; " + calls.get(1).id() + "=09:00");
    }

    @Test
    void requiredBecomesAnyAndNamedBecomesTool() {
        ChatCompletion any = client.chat().completions().create(weatherQuestion()
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());
        assertThat(upstream.lastRequest().json().path("tool_choice").path("type").asText()).isEqualTo("any");
        assertThat(any.choices().get(0).message().toolCalls().orElseThrow()).hasSize(2);
        assertThat(any.choices().get(0).message().content()).isEmpty();
        List<String> ids = any.choices().get(0).message().toolCalls().orElseThrow().stream().map(c -> c.asFunction().id()).toList();
        ChatCompletion answered = client.chat().completions().create(weatherQuestion()
                .addMessage(any.choices().get(0).message())
                .addMessage(toolResult(ids.get(0), "rain"))
                .addMessage(toolResult(ids.get(1), "noon"))
                .build());
        assertThat(upstream.lastRequest().json().path("messages").get(1).path("content"))
                .extracting(b -> b.path("type").asText()).containsExactly("tool_use", "tool_use");
        assertThat(answered.choices().get(0).message().content()).hasValue("results: " + ids.get(0) + "=rain; " + ids.get(1) + "=noon");

        ChatCompletion named = client.chat().completions().create(weatherQuestion()
                .toolChoice(ChatCompletionNamedToolChoice.builder()
                        .function(ChatCompletionNamedToolChoice.Function.builder().name("get_time").build()).build())
                .build());
        JsonNode choice = upstream.lastRequest().json().path("tool_choice");
        assertThat(choice.path("type").asText()).isEqualTo("tool");
        assertThat(choice.path("name").asText()).isEqualTo("get_time");
        assertThat(named.choices().get(0).message().toolCalls().orElseThrow())
                .extracting(c -> c.asFunction().function().name()).containsExactly("get_time", "get_time");
    }

    @Test
    void parallelToolCallsFalseDisablesParallelToolUse() {
        ChatCompletion c = client.chat().completions().create(weatherQuestion().parallelToolCalls(false).build());
        JsonNode choice = upstream.lastRequest().json().path("tool_choice");
        assertThat(choice.path("disable_parallel_tool_use").asBoolean()).isTrue();
        assertThat(c.choices().get(0).message().toolCalls().orElseThrow()).hasSize(1);
    }

    @Test
    void streamedToolCallsHaveStableIndexesAndIncrementalArguments() {
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(weatherQuestion().build())) {
            chunks = s.stream().toList();
        }
        Map<Long, String> ids = new LinkedHashMap<>();
        Map<Long, String> names = new LinkedHashMap<>();
        Map<Long, List<String>> pieces = new LinkedHashMap<>();
        List<ChatCompletionChunk.Choice.FinishReason> finishes = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (ChatCompletionChunk chunk : chunks) {
            for (ChatCompletionChunk.Choice ch : chunk.choices()) {
                ch.finishReason().ifPresent(finishes::add);
                ch.delta().content().ifPresent(text::append);
                for (ChatCompletionChunk.Choice.Delta.ToolCall tc : ch.delta().toolCalls().orElse(List.of())) {
                    tc.id().ifPresent(id -> assertThat(ids.put(tc.index(), id)).as("id sent once for index %s", tc.index()).isNull());
                    tc.function().flatMap(f -> f.name()).ifPresent(n -> names.put(tc.index(), n));
                    tc.function().flatMap(f -> f.arguments()).filter(a -> !a.isEmpty())
                            .ifPresent(a -> pieces.computeIfAbsent(tc.index(), k -> new ArrayList<>()).add(a));
                }
            }
        }
        assertThat(text.toString()).isEqualTo("Let me check both cities.");
        assertThat(ids.keySet()).containsExactly(0L, 1L);
        assertThat(ids.values()).allSatisfy(id -> assertThat(id).startsWith("toolu_")).doesNotHaveDuplicates();
        assertThat(names).containsExactly(Map.entry(0L, "get_weather"), Map.entry(1L, "get_time"));
        assertThat(pieces.get(0L)).as("arguments arrive in several deltas").hasSizeGreaterThan(1);
        assertThat(AnthropicStreamingIT.json(String.join("", pieces.get(0L))))
                .isEqualTo(AnthropicStreamingIT.json("{\"city\":\"Paris\",\"unit\":\"celsius\"}"));
        assertThat(AnthropicStreamingIT.json(String.join("", pieces.get(1L))).path("city").asText()).isEqualTo("Tokyo");
        assertThat(finishes).containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);

        // the streamed calls, sent back as the assistant turn with their results, streamed again
        ChatCompletionAssistantMessageParam.Builder assistant = ChatCompletionAssistantMessageParam.builder().content(text.toString());
        for (Long i : ids.keySet()) {
            assistant.addToolCall(ChatCompletionMessageFunctionToolCall.builder().id(ids.get(i))
                    .function(ChatCompletionMessageFunctionToolCall.Function.builder()
                            .name(names.get(i)).arguments(String.join("", pieces.get(i))).build())
                    .build());
        }
        StringBuilder answer = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(weatherQuestion()
                .addMessage(assistant.build())
                .addMessage(toolResult(ids.get(0L), "warm"))
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(ids.get(1L))
                        .contentOfArrayOfContentParts(List.of(ChatCompletionContentPartText.builder().text("late").build())).build())
                .build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(answer::append)));
        }
        JsonNode results = upstream.lastRequest().json().path("messages").get(2).path("content");
        assertThat(results).extracting(b -> b.path("tool_use_id").asText()).containsExactly(ids.get(0L), ids.get(1L));
        assertThat(answer.toString()).isEqualTo("results: " + ids.get(0L) + "=warm; " + ids.get(1L) + "=late");
    }

    @Test
    void aToolResultWithoutItsCallIsRefusedByTheStrictUpstream() {
        // Sanity check of the fake: a tool result that answers no call must not pass, or the round trip proves nothing.
        var r = gateway.post("/v1/chat/completions", """
                {"model":"sonnet","messages":[
                  {"role":"user","content":"hi"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"toolu_a","type":"function","function":{"name":"f","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"toolu_other","content":"x"}]}""");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("tool_use_id");
        assertThat(upstream.rejections()).hasSize(1);
        upstream.reset();
    }

    static ChatCompletionToolMessageParam toolResult(String id, String content) {
        return ChatCompletionToolMessageParam.builder().toolCallId(id).content(content).build();
    }
}
