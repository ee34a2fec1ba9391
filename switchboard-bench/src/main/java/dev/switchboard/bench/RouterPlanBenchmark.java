package dev.switchboard.bench;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.ingress.openai.OpenAiRequestDecoder;
import dev.switchboard.model.Operation;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.routing.PriceLookup;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.Router;
import dev.switchboard.routing.TargetRegistry;
import dev.switchboard.routing.condition.StandardRequestFacts;
import dev.switchboard.runtime.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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

/**
 * The whole routing decision of one request as the data plane makes it: {@link Router#plan} on a route of ten
 * rules (nine that fail, the default last), which evaluates the conditions and orders the targets, here with a
 * weighted split (sticky by a header) and with lowest latency (live statistics, breaker states).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouterPlanBenchmark {
    private static final String CONFIG = """
            version: 1
            providers:
              - { name: a, type: openai, base_url: "http://127.0.0.1:1/v1", api_key: k }
              - { name: b, type: openai, base_url: "http://127.0.0.1:2/v1", api_key: k }
            routes:
              - name: split
                rules:
            %1$s
                  - strategy: weighted
                    sticky: header:x-user-id
                    targets: [ { target: a/m, weight: 90 }, { target: b/m, weight: 10 } ]
              - name: fast
                rules:
            %1$s
                  - strategy: lowest_latency
                    targets: [a/m, b/m, b/n]
            """;
    private static final String RULES = """
                  - when: { header.x-team: research }
                    targets: [a/r1]
                  - when: { metadata.tier: { in: [platinum, diamond] } }
                    targets: [a/r2]
                  - when: { key.metadata.env: { regex: "^staging-.*" } }
                    targets: [a/r3]
                  - when: { request.input_tokens: { ">": 8000 } }
                    targets: [a/r4]
                  - when: { any: [ { request.images: true }, { not: { key.team: { "not in": [ml, data] } } } ] }
                    targets: [a/r5]
                  - when: { header.x-priority: { ">=": 5 } }
                    targets: [a/r6]
                  - when: { request.model: { in: [gpt-5, o3] }, request.stream: true }
                    targets: [a/r7]
                  - when: { all: [ { metadata.region: eu }, { request.tools: true } ] }
                    targets: [a/r8]
                  - when: { key.name: { regex: "batch-.*" } }
                    targets: [a/r9]
            """;
    private static final byte[] CHAT = ("{\"model\":\"split\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful "
            + "assistant.\"},{\"role\":\"user\",\"content\":\"Write one short sentence about load testing.\"}],\"max_tokens\":64,"
            + "\"temperature\":0,\"stream\":false}").getBytes(StandardCharsets.UTF_8);

    private final Router router = Snapshot.build(new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get)
            .parse(CONFIG.formatted(RULES)), ProviderCatalogue.bundled(), t -> null, new TargetRegistry(), PriceLookup.UNKNOWN,
            Map.of()).router();
    private final ModelRequest request = OpenAiRequestDecoder.decode(Operation.CHAT, CHAT);
    private final Map<String, String> headers = Map.of("x-team", "platform", "x-user-id", "user-1234",
            "x-ai-route-metadata", "tier=gold; region=us");
    private final Map<String, String> keyMetadata = Map.of("env", "prod-eu");

    public RouterPlanBenchmark() {
        if (!split().targets().get(0).target().provider().name().matches("[ab]") || fast().targets().size() != 3) {
            throw new IllegalStateException("the benchmark routes do not plan as intended");
        }
    }

    /** Ten rules evaluated (the default matches), then a sticky weighted choice. */
    @Benchmark
    public RoutePlan split() {
        return router.plan("split", new StandardRequestFacts(headers::get, "svc-a", "platform", keyMetadata, request));
    }

    /** Ten rules evaluated, then three targets ordered by their live latency and breaker state. */
    @Benchmark
    public RoutePlan fast() {
        return router.plan("fast", new StandardRequestFacts(headers::get, "svc-a", "platform", keyMetadata, request));
    }
}
