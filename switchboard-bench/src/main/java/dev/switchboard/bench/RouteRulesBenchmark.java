package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.ingress.openai.OpenAiRequestDecoder;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.routing.condition.Condition;
import dev.switchboard.routing.condition.ConditionParser;
import dev.switchboard.routing.condition.RequestFacts;
import dev.switchboard.routing.condition.RequestFeatures;
import dev.switchboard.routing.condition.RouteMetadata;
import dev.switchboard.routing.condition.StandardRequestFacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
 * First-match evaluation of a route's rules. Each invocation builds fresh request facts, as the gateway does per
 * request, so parsing the route metadata header and the lazy body scan (tools, images, token estimate) are part
 * of the cost whenever a rule reads them. Worst case: no rule matches and the default is taken.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouteRulesBenchmark {
    /** Ten rules of mixed kinds, none of which matches the benchmark request; the default follows them. */
    private static final String RULES = """
            - { header.x-team: research }
            - { metadata.tier: { in: [platinum, diamond] } }
            - { key.metadata.env: { regex: "^staging-.*" } }
            - { request.input_tokens: { ">": 8000 } }
            - { any: [ { request.images: true }, { not: { key.team: { "not in": [ml, data] } } } ] }
            - { header.x-priority: { ">=": 5 } }
            - { request.model: { in: [gpt-5, o3] }, request.stream: true }
            - { all: [ { metadata.region: eu }, { request.tools: true } ] }
            - { key.name: { regex: "batch-.*" } }
            - { header.x-debug: { "!=": null }, key.metadata.tier: { "<=": 2 } }
            """;
    /** The bench harness's chat body, as in CodecBenchmark. */
    private static final byte[] CHAT = ("{\"model\":\"bench-static\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful "
            + "assistant.\"},{\"role\":\"user\",\"content\":\"Write one short sentence about load testing.\"}],\"max_tokens\":64,"
            + "\"temperature\":0,\"stream\":false}").getBytes(StandardCharsets.UTF_8);

    private final Condition[] rules;
    private final ModelRequest request = OpenAiRequestDecoder.decode(Operation.CHAT, CHAT);
    private final Map<String, String> headers = Map.of("x-team", "platform", "content-type", "application/json",
            "x-ai-route-metadata", "tier=gold; region=us");
    private final Map<String, String> researchHeaders = Map.of("x-team", "research", "content-type", "application/json");
    private final Map<String, String> keyMetadata = Map.of("env", "prod-eu", "tier", "3");

    public RouteRulesBenchmark() {
        try {
            JsonNode list = new ObjectMapper(new YAMLFactory()).readTree(RULES);
            List<Condition> parsed = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                parsed.add(ConditionParser.parse(list.get(i), "rules[" + i + "].when", (path, message) -> {
                    throw new IllegalStateException(path + ": " + message);
                }));
            }
            parsed.add(Condition.ALWAYS); // the default branch
            rules = parsed.toArray(Condition[]::new);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // the scenarios must be what they claim, or the numbers mean nothing
        if (worstCaseDefault() != rules.length - 1 || firstRuleMatches() != 0) {
            throw new IllegalStateException("benchmark rules do not match as intended");
        }
    }

    private int firstMatch(RequestFacts facts) {
        for (int i = 0; i < rules.length; i++) {
            if (rules[i].test(facts)) {
                return i;
            }
        }
        return -1;
    }

    /** Every rule is evaluated and fails; the body is scanned once; the default matches. */
    @Benchmark
    public int worstCaseDefault() {
        return firstMatch(new StandardRequestFacts(headers::get, "svc-a", "platform", keyMetadata, request));
    }

    /** The part of the worst case spent scanning the body for tools, images and the token estimate. */
    @Benchmark
    public long bodyScanOnly() {
        return new RequestFeatures(request).estimatedInputTokens();
    }

    /** The part spent parsing the x-ai-route-metadata header. */
    @Benchmark
    public Map<String, String> routeMetadataOnly() {
        return RouteMetadata.parse(headers.get(RouteMetadata.HEADER));
    }

    /** The first rule (a header equality) matches: no metadata parse, no body scan. */
    @Benchmark
    public int firstRuleMatches() {
        return firstMatch(new StandardRequestFacts(researchHeaders::get, "svc-a", "platform", keyMetadata, request));
    }
}
