package dev.switchboard.bench;

import dev.switchboard.adapters.ChatAdapters;
import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.catalogue.ProviderType;
import dev.switchboard.ingress.IngressDialect;
import dev.switchboard.ingress.anthropic.AnthropicIngress;
import dev.switchboard.ingress.openai.OpenAiIngress;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.StreamTranslator;
import dev.switchboard.provider.Timeouts;
import dev.switchboard.secret.Secret;
import dev.switchboard.sse.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A translated stream as the relay drives it, per upstream event: the provider's events (already framed) through
 * the adapter's stream and the client dialect's encoding to the client's bytes. Two crossings: an Anthropic upstream
 * answering an OpenAI client, and a Gemini upstream answering an Anthropic client. Only the public seams the relay
 * uses ({@link ChatAdapter#newStream}, {@link IngressDialect#encodeStream}), so it runs on any build.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TranslatedStreamBenchmark {
    private static final int DELTAS = 40;
    private static final int ANTHROPIC_EVENTS = DELTAS + 6;
    private static final int GEMINI_EVENTS = DELTAS;

    private final ProviderEndpoint anthropic = endpoint("anthropic", "claude");
    private final ProviderEndpoint gemini = endpoint("gemini", "google");
    private final ModelRequest openAiClient = OpenAiIngress.INSTANCE.decode(Operation.CHAT, bytes(
            "{\"model\":\"claude/claude-sonnet-4-5\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story.\"}]}"));
    private final ModelRequest anthropicClient = AnthropicIngress.INSTANCE.decode(Operation.CHAT, bytes(
            "{\"model\":\"google/gemini-2.5-flash\",\"max_tokens\":1024,\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story.\"}]}"));
    private final List<SseEvent> anthropicEvents = anthropicStream();
    private final List<SseEvent> geminiEvents = geminiStream();

    @Benchmark
    @OperationsPerInvocation(ANTHROPIC_EVENTS)
    public void anthropicUpstreamToOpenAiClient(Blackhole bh) {
        ChatAdapter adapter = ChatAdapters.forProvider(anthropic);
        StreamTranslator t = OpenAiIngress.INSTANCE.encodeStream(openAiClient,
                adapter.newStream(openAiClient, anthropic, "claude-sonnet-4-5", false), 12);
        for (SseEvent e : anthropicEvents) {
            t.onEvent(e, bh::consume);
        }
        t.onEnd(bh::consume);
        bh.consume(t.usage());
    }

    @Benchmark
    @OperationsPerInvocation(GEMINI_EVENTS)
    public void geminiUpstreamToAnthropicClient(Blackhole bh) {
        ChatAdapter adapter = ChatAdapters.forProvider(gemini);
        StreamTranslator t = AnthropicIngress.INSTANCE.encodeStream(anthropicClient,
                adapter.newStream(anthropicClient, gemini, "gemini-2.5-flash", false), 12);
        for (SseEvent e : geminiEvents) {
            t.onEvent(e, bh::consume);
        }
        t.onEnd(bh::consume);
        bh.consume(t.usage());
    }

    private static List<SseEvent> anthropicStream() {
        List<SseEvent> events = new ArrayList<>();
        events.add(new SseEvent("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01Bench\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],"
                + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}", null));
        events.add(new SseEvent("content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}", null));
        events.add(new SseEvent("ping", "{\"type\":\"ping\"}", null));
        for (int i = 0; i < DELTAS; i++) {
            events.add(new SseEvent("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Once upon a time, token " + i + " \"}}", null));
        }
        events.add(new SseEvent("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}", null));
        events.add(new SseEvent("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":120}}", null));
        events.add(new SseEvent("message_stop", "{\"type\":\"message_stop\"}", null));
        return events;
    }

    private static List<SseEvent> geminiStream() {
        List<SseEvent> events = new ArrayList<>();
        for (int i = 0; i < GEMINI_EVENTS; i++) {
            boolean last = i == GEMINI_EVENTS - 1;
            events.add(SseEvent.data("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Once upon a time, token " + i
                    + " \"}],\"role\":\"model\"}" + (last ? ",\"finishReason\":\"STOP\"" : "") + ",\"index\":0}],"
                    + "\"usageMetadata\":{\"promptTokenCount\":12,\"candidatesTokenCount\":" + (i + 1)
                    + ",\"totalTokenCount\":" + (i + 13) + "},\"modelVersion\":\"gemini-2.5-flash\","
                    + "\"responseId\":\"bench-response\"}"));
        }
        return events;
    }

    private static ProviderEndpoint endpoint(String type, String name) {
        ProviderType t = ProviderCatalogue.bundled().find(type).orElseThrow();
        return new ProviderEndpoint(name, t, t.baseUrl(), new Secret("bench-key"), t.headers(), t.apiVersion(),
                List.of(), Timeouts.DEFAULTS);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
