package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Function calling through the gateway: tools and tool_choice reach the upstream, tool calls reach the client. */
class ToolsIT {
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
    }

    static ChatCompletionFunctionTool tool(String name, String description) {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name(name)
                .description(description)
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .strict(true)
                .build()).build();
    }

    static ChatCompletionCreateParams.Builder weatherRequest() {
        return ChatCompletionCreateParams.builder()
                .model("fake/gpt-4o")
                .addUserMessage("What is the weather in Paris?")
                .addTool(tool("get_weather", "Current weather for a city"));
    }

    @Test
    void toolChoiceAutoReachesUpstreamAndTheToolCallReachesTheClient() {
        ChatCompletion c = client.chat().completions().create(weatherRequest()
                .toolChoice(ChatCompletionToolChoiceOption.Auto.AUTO).build());

        ChatCompletion.Choice choice = c.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).isEmpty();
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");

        JsonNode seen = upstream.lastRequest().json();
        assertThat(seen.path("tool_choice").asText()).isEqualTo("auto");
        JsonNode fn = seen.path("tools").get(0);
        assertThat(fn.path("type").asText()).isEqualTo("function");
        assertThat(fn.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(fn.path("function").path("description").asText()).isEqualTo("Current weather for a city");
        assertThat(fn.path("function").path("strict").asBoolean()).isTrue();
        assertThat(fn.path("function").path("parameters").path("properties").path("city").path("type").asText()).isEqualTo("string");
        assertThat(fn.path("function").path("parameters").path("required").get(0).asText()).isEqualTo("city");
    }

    @Test
    void toolChoiceRequiredReachesUpstream() {
        ChatCompletion c = client.chat().completions().create(weatherRequest()
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());

        assertThat(c.choices().get(0).message().toolCalls()).hasValueSatisfying(calls -> assertThat(calls).hasSize(1));
        assertThat(upstream.lastRequest().json().path("tool_choice").asText()).isEqualTo("required");
    }

    @Test
    void namedToolChoiceReachesUpstreamAsAnObject() {
        client.chat().completions().create(weatherRequest()
                .addTool(tool("get_time", "Local time in a city"))
                .toolChoice(ChatCompletionNamedToolChoice.builder()
                        .function(ChatCompletionNamedToolChoice.Function.builder().name("get_time").build())
                        .build())
                .build());

        JsonNode choice = upstream.lastRequest().json().path("tool_choice");
        assertThat(choice.path("type").asText()).isEqualTo("function");
        assertThat(choice.path("function").path("name").asText()).isEqualTo("get_time");
        assertThat(upstream.lastRequest().json().path("tools")).hasSize(2);
    }

    @Test
    void parallelToolCallsNonStream() {
        ChatCompletion c = client.chat().completions().create(weatherRequest()
                .addTool(tool("get_time", "Local time in a city"))
                .parallelToolCalls(true)
                .build());

        List<ChatCompletionMessageFunctionToolCall> calls = c.choices().get(0).message().toolCalls().orElseThrow()
                .stream().map(t -> t.asFunction()).toList();
        assertThat(calls).extracting(t -> t.function().name()).containsExactly("get_weather", "get_time");
        assertThat(calls).extracting(ChatCompletionMessageFunctionToolCall::id).doesNotHaveDuplicates().allMatch(id -> !id.isEmpty());
        assertThat(calls).allSatisfy(t -> assertThat(t.function().arguments()).isEqualTo("{\"city\":\"Paris\"}"));
        assertThat(upstream.lastRequest().json().path("parallel_tool_calls").asBoolean()).isTrue();
    }

    /** One tool call as assembled from stream deltas. */
    record Assembled(String id, String name, StringBuilder arguments, List<String> idsSeen) {}

    @Test
    void parallelToolCallsStreamedAssembleFromDeltas() {
        Map<Long, Assembled> byIndex = new TreeMap<>();
        List<String> finishReasons = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(weatherRequest()
                .addTool(tool("get_time", "Local time in a city"))
                .parallelToolCalls(true)
                .build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> {
                choice.finishReason().ifPresent(f -> finishReasons.add(f.asString()));
                choice.delta().toolCalls().ifPresent(deltas -> deltas.forEach(d -> {
                    Assembled a = byIndex.computeIfAbsent(d.index(), i -> new Assembled(
                            d.id().orElse(null), d.function().flatMap(f -> f.name()).orElse(null), new StringBuilder(), new ArrayList<>()));
                    d.id().ifPresent(a.idsSeen()::add);
                    d.function().flatMap(f -> f.arguments()).ifPresent(a.arguments()::append);
                }));
            }));
        }

        assertThat(byIndex).containsOnlyKeys(0L, 1L);
        assertThat(byIndex.get(0L).name()).isEqualTo("get_weather");
        assertThat(byIndex.get(1L).name()).isEqualTo("get_time");
        assertThat(byIndex.values()).allSatisfy(a -> {
            assertThat(a.id()).isNotBlank();
            assertThat(a.idsSeen()).as("the id is stable across deltas").containsOnly(a.id());
            assertThat(a.arguments().toString()).isEqualTo("{\"city\":\"Paris\"}");
        });
        assertThat(byIndex.get(0L).id()).isNotEqualTo(byIndex.get(1L).id());
        assertThat(finishReasons).containsExactly("tool_calls");
        assertThat(upstream.lastRequest().json().path("stream").asBoolean()).isTrue();
    }

    @Test
    void toolResultsTravelBackUpstreamUnchanged() {
        ChatCompletion first = client.chat().completions().create(weatherRequest().build());
        ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();

        ChatCompletion second = client.chat().completions().create(weatherRequest()
                .addMessage(first.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18C and sunny").build())
                .build());

        assertThat(second.choices().get(0).message().content()).hasValue("echo: What is the weather in Paris?");
        JsonNode messages = upstream.lastRequest().json().path("messages");
        assertThat(messages).hasSize(3);
        JsonNode assistant = messages.get(1);
        assertThat(assistant.path("role").asText()).isEqualTo("assistant");
        assertThat(assistant.path("tool_calls").get(0).path("id").asText()).isEqualTo(call.id());
        assertThat(assistant.path("tool_calls").get(0).path("function").path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        JsonNode tool = messages.get(2);
        assertThat(tool.path("role").asText()).isEqualTo("tool");
        assertThat(tool.path("tool_call_id").asText()).isEqualTo(call.id());
        assertThat(tool.path("content").asText()).isEqualTo("18C and sunny");
    }
}
