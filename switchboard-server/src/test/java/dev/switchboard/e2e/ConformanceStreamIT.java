package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionChunk.Choice.FinishReason;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import dev.switchboard.provider.Capability;
import dev.switchboard.testing.Conformance;
import dev.switchboard.testing.Conformance.Provider;
import dev.switchboard.testing.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The same streamed scenarios, through the OpenAI SDK (or a raw socket) and the gateway, against every adapter. */
class ConformanceStreamIT {
    static final ObjectMapper MAPPER = new ObjectMapper();
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

    List<ChatCompletionChunk> stream(Provider p, ChatCompletionCreateParams.Builder b) {
        current = p;
        try (StreamResponse<ChatCompletionChunk> s = rig.client().chat().completions().createStreaming(b.model(p.alias).build())) {
            return s.stream().toList();
        }
    }

    static List<FinishReason> finishes(List<ChatCompletionChunk> chunks) {
        List<FinishReason> out = new ArrayList<>();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.finishReason().ifPresent(out::add)));
        return out;
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void streamedTextAccumulatesWithOneStop(Provider p) {
        List<ChatCompletionChunk> chunks = stream(p, ChatCompletionCreateParams.builder().addUserMessage("hello big world"));
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("echo: hello big world");
        assertThat(finishes(chunks)).containsExactly(FinishReason.STOP);
        assertThat(chunks).allSatisfy(c -> assertThat(c.usage()).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void usageComesLastInTheStreamWhenAsked(Provider p) {
        assumeTrue(p.has(Capability.USAGE_IN_STREAM), () -> p + " does not declare USAGE_IN_STREAM");
        List<ChatCompletionChunk> chunks = stream(p, ChatCompletionCreateParams.builder().addUserMessage("count me")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()));
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        CompletionUsage u = last.usage().orElseThrow();
        assertThat(u.promptTokens()).isPositive();
        assertThat(u.completionTokens()).isPositive();
        assertThat(u.totalTokens()).isGreaterThanOrEqualTo(u.promptTokens() + u.completionTokens());
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.usage()).isEmpty());
        if (p.has(Capability.CACHED_TOKENS)) {
            assertThat(u.promptTokensDetails().orElseThrow().cachedTokens().orElse(0L)).as("cached tokens").isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void streamedToolArgumentsAccumulateToCompleteJson(Provider p) throws Exception {
        assumeTrue(p.has(Capability.STREAMED_TOOL_ARGUMENTS), () -> p + " does not declare STREAMED_TOOL_ARGUMENTS");
        List<ChatCompletionChunk> chunks = stream(p, ChatCompletionCreateParams.builder().addUserMessage("Weather in Paris?")
                .addTool(ConformanceChatIT.tool("get_weather")));
        Map<Long, StringBuilder> args = new TreeMap<>();
        Map<Long, String> ids = new TreeMap<>();
        Map<Long, String> names = new TreeMap<>();
        for (ChatCompletionChunk c : chunks) {
            for (ChatCompletionChunk.Choice ch : c.choices()) {
                for (ChatCompletionChunk.Choice.Delta.ToolCall tc : ch.delta().toolCalls().orElse(List.of())) {
                    tc.id().ifPresent(id -> assertThat(ids.put(tc.index(), id)).as("id sent once per call").isNull());
                    tc.function().flatMap(f -> f.name()).ifPresent(n -> names.put(tc.index(), n));
                    tc.function().flatMap(f -> f.arguments())
                            .ifPresent(a -> args.computeIfAbsent(tc.index(), k -> new StringBuilder()).append(a));
                }
            }
        }
        assertThat(ids).isNotEmpty();
        assertThat(args.keySet()).isEqualTo(ids.keySet());
        assertThat(names.values()).containsOnly("get_weather");
        for (StringBuilder a : args.values()) {
            assertThat(MAPPER.readTree(a.toString()).path("city").asText()).as("arguments %s", a).isNotBlank();
        }
        assertThat(finishes(chunks)).containsExactly(FinishReason.TOOL_CALLS);
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void clientLeavingMidStreamClosesTheUpstreamConnection(Provider p) throws Exception {
        current = p;
        CompletableFuture<Void> upstreamClosed = rig.enqueueStalledStream(p);
        try (RawHttp client = RawHttp.connect(rig.gateway().port())) {
            client.write(RawHttp.post("/v1/chat/completions",
                    "{\"model\":\"" + p.alias + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
            assertThat(client.readUntil("partial", Duration.ofSeconds(5))).contains("200");
            assertThat(upstreamClosed).as("upstream still open before the client leaves").isNotDone();
        }
        upstreamClosed.get(5, TimeUnit.SECONDS);
        assertThat(rig.requests(p)).hasSize(1);
    }
}
