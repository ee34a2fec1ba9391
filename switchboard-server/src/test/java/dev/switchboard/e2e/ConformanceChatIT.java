package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletion.Choice.FinishReason;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import dev.switchboard.provider.Capability;
import dev.switchboard.testing.Conformance;
import dev.switchboard.testing.Conformance.Provider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The same non-streamed chat scenarios, through the OpenAI SDK and the gateway, against every adapter. */
class ConformanceChatIT {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String PNG = "data:image/png;base64,"
            + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    static Conformance rig;
    Provider current;

    @BeforeAll
    static void start() {
        rig = Conformance.start();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    @BeforeEach
    void clear() {
        rig.reset();
    }

    @AfterEach
    void upstreamRefusedNothing() {
        if (current != null) {
            assertThat(rig.rejections(current)).as("requests the strict %s fake refused", current).isEmpty();
        }
    }

    ChatCompletionCreateParams.Builder ask(Provider p, String text) {
        current = p;
        return ChatCompletionCreateParams.builder().model(p.alias).addUserMessage(text);
    }

    ChatCompletion create(ChatCompletionCreateParams.Builder b) {
        return rig.client().chat().completions().create(b.build());
    }

    static void require(Provider p, Capability c) {
        assumeTrue(p.has(c), () -> p + " does not declare " + c + " (its refusal is covered by ConformanceErrorsIT)");
    }

    static ChatCompletionFunctionTool tool(String name) {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name(name).description(name + " for a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build()).build();
    }

    static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void text(Provider p) {
        ChatCompletion c = create(ask(p, "hello there"));
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).hasValue("echo: hello there");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
        assertThat(c.usage().orElseThrow().completionTokens()).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void systemPrompt(Provider p) {
        require(p, Capability.SYSTEM_PROMPT);
        ChatCompletion c = create(ask(p, "hi").addSystemMessage("You are a terse pirate."));
        assertThat(rig.lastBody(p).toString()).contains("You are a terse pirate.");
        assertThat(c.choices().get(0).message().content()).hasValue("echo: hi");
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void multiTurn(Provider p) {
        require(p, Capability.MULTI_TURN);
        ChatCompletion c = create(ask(p, "first question").addAssistantMessage("first answer").addUserMessage("second question"));
        String sent = rig.lastBody(p).toString();
        assertThat(sent).contains("first question").contains("first answer").contains("second question");
        assertThat(c.choices().get(0).message().content()).hasValue("echo: second question");
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void imageAsDataUrl(Provider p) {
        require(p, Capability.IMAGES);
        current = p;
        ChatCompletion c = create(ChatCompletionCreateParams.builder().model(p.alias).addMessage(ChatCompletionUserMessageParam.builder()
                .contentOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("what is this?").build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(PNG).build()).build())))
                .build()));
        String sent = rig.lastBody(p).toString();
        assertThat(sent).contains("iVBORw0KGgo");
        if (p != Provider.OPENAI) {
            assertThat(sent).as("the data URL is unpacked into the dialect's image block").doesNotContain("data:image/png");
        }
        assertThat(c.choices().get(0).message().content().orElse("")).contains("what is this?");
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void toolsRoundTrip(Provider p) {
        require(p, Capability.TOOLS);
        ChatCompletionCreateParams.Builder q = ask(p, "Weather in Paris?").addTool(tool("get_weather"));
        ChatCompletion first = create(q);
        assertThat(first.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageToolCall> calls = first.choices().get(0).message().toolCalls().orElseThrow();
        assertThat(calls).isNotEmpty();
        q.addMessage(first.choices().get(0).message());
        for (ChatCompletionMessageToolCall call : calls) {
            ChatCompletionMessageFunctionToolCall f = call.asFunction();
            assertThat(f.id()).isNotBlank();
            assertThat(f.function().name()).isEqualTo("get_weather");
            assertThat(json(f.function().arguments()).path("city").asText()).isNotBlank();
            q.addMessage(ChatCompletionToolMessageParam.builder().toolCallId(f.id()).content("18C and sunny").build());
        }
        ChatCompletion second = create(q);
        assertThat(second.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(rig.lastBody(p).toString()).as("the tool result reached the upstream").contains("18C and sunny");
        if (p != Provider.OPENAI) { // the OpenAI fake echoes the last user text whatever the history
            assertThat(second.choices().get(0).message().content().orElse("")).contains("18C and sunny");
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void parallelTools(Provider p) {
        require(p, Capability.PARALLEL_TOOLS);
        assumeTrue(Conformance.fakeCallsToolsInParallel(p), () -> p + "'s fake only ever answers with one tool call");
        ChatCompletion c = create(ask(p, "Weather and time in Paris and Tokyo?").addTool(tool("get_weather")).addTool(tool("get_time")));
        List<ChatCompletionMessageToolCall> calls = c.choices().get(0).message().toolCalls().orElseThrow();
        assertThat(calls).hasSizeGreaterThanOrEqualTo(2);
        assertThat(calls.stream().map(t -> t.asFunction().id()).distinct()).hasSize(calls.size());
        calls.forEach(t -> assertThat(json(t.asFunction().function().arguments()).isObject()).isTrue());
        assertThat(c.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void jsonSchemaOutput(Provider p) {
        require(p, Capability.JSON_SCHEMA);
        ChatCompletion c = create(ask(p, "give me a city").responseFormat(ResponseFormatJsonSchema.builder()
                .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder().name("city").strict(true)
                        .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                                .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                                .build()).build()).build()));
        String content = c.choices().get(0).message().content().orElseThrow();
        assertThat(json(content).isObject()).as("content is a JSON object: %s", content).isTrue();
        assertThat(c.choices().get(0).message().toolCalls().orElse(List.of())).isEmpty();
        assertThat(c.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void reasoningEffortIsAccepted(Provider p) {
        require(p, Capability.REASONING);
        ChatCompletion c = create(ask(p, "think about it").reasoningEffort(ReasoningEffort.LOW).maxCompletionTokens(4000));
        String field = switch (p) {
            case OPENAI -> "reasoning_effort";
            case ANTHROPIC -> "thinking";
            case GEMINI -> "thinkingConfig";
            case BEDROCK -> throw new AssertionError("not declared");
        };
        assertThat(rig.lastBody(p).toString()).contains("\"" + field + "\"");
        assertThat(c.choices().get(0).message().content().orElse("")).contains("echo: think about it");
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void truncatedAnswerStopsWithLength(Provider p) {
        rig.enqueueTruncated(p);
        ChatCompletion c = create(ask(p, "write a novel").maxCompletionTokens(3));
        assertThat(c.choices().get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(c.choices().get(0).message().content()).hasValue("echo: trunc");
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void cachedTokensAreReported(Provider p) {
        require(p, Capability.CACHED_TOKENS);
        ChatCompletion c = create(ask(p, "cache me"));
        assertThat(c.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens().orElse(0L)).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void nGreaterThanOneAsksForSeveralChoices(Provider p) {
        require(p, Capability.N_GREATER_THAN_ONE);
        ChatCompletion c = create(ask(p, "twice").n(2));
        String sent = rig.lastBody(p).toString();
        assertThat(sent).contains(p == Provider.GEMINI ? "\"candidateCount\":2" : "\"n\":2");
        assumeTrue(p != Provider.GEMINI, "FakeGeminiUpstream accepts candidateCount but always answers one candidate");
        assertThat(c.choices()).extracting(ChatCompletion.Choice::index).containsExactly(0L, 1L);
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void logprobsAreReturned(Provider p) {
        require(p, Capability.LOGPROBS);
        ChatCompletion c = create(ask(p, "how sure?").logprobs(true));
        assertThat(c.choices().get(0).logprobs()).isPresent();
    }
}
