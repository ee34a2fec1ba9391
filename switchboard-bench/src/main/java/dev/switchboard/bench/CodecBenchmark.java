package dev.switchboard.bench;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.catalogue.ProviderType;
import dev.switchboard.credentials.TokenSource;
import dev.switchboard.credentials.UpstreamCredentials;
import dev.switchboard.ingress.openai.OpenAiRequestDecoder;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.Timeouts;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.provider.openai.OpenAiUpstreamTranslator;
import dev.switchboard.secret.Secret;
import dev.switchboard.usage.Usage;
import dev.switchboard.usage.UsageScanner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The per-request codec work of the OpenAI pass-through path: decode, build the upstream request, scan usage. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
    /** The bench harness's chat body (shared/bench/load/bodies/chat.json). */
    private static final byte[] CHAT = ("{\"model\":\"bench-static\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful "
            + "assistant.\"},{\"role\":\"user\",\"content\":\"Write one short sentence about load testing.\"}],\"max_tokens\":64,"
            + "\"temperature\":0,\"stream\":false}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] RESPONSE = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Load testing reveals "
            + "how a system behaves under pressure before real users find out.\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":14,\"total_tokens\":38}}").getBytes(StandardCharsets.UTF_8);

    private final ProviderEndpoint endpoint;

    public CodecBenchmark() {
        ProviderType type = ProviderCatalogue.bundled().find("openai").orElseThrow();
        endpoint = new ProviderEndpoint("bench", type, "http://127.0.0.1:19001/v1", new Secret("sk-bench"), type.headers(),
                null, List.of(), Timeouts.DEFAULTS);
    }

    @Benchmark
    public ModelRequest decodeChatRequest() {
        return OpenAiRequestDecoder.decode(Operation.CHAT, CHAT);
    }

    @Benchmark
    public UpstreamRequest decodeAndBuildUpstreamRequest() {
        ModelRequest req = OpenAiRequestDecoder.decode(Operation.CHAT, CHAT);
        return UpstreamCredentials.of(endpoint).apply(OpenAiUpstreamTranslator.toUpstream(req, endpoint, "gpt-4o-mini", false),
                TokenSource.NONE).toCompletableFuture().join();
    }

    @Benchmark
    public Usage scanResponseUsage() {
        return UsageScanner.scan(RESPONSE);
    }
}
