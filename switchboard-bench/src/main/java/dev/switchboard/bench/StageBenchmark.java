package dev.switchboard.bench;

import dev.switchboard.ingress.openai.OpenAiRequestDecoder;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.stage.Stage;
import dev.switchboard.stage.StageAnswer;
import dev.switchboard.stage.StageCall;
import dev.switchboard.stage.StageOutcome;
import dev.switchboard.stage.StagePlan;
import dev.switchboard.stage.StageRun;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the stage pipeline costs one non-stream call, as the engine runs it: finding the call's stages, and with one
 * configured no-op stage the run itself (request hook, answer hook, outcome hook). The bound: a no-op stage
 * adds at most 1 µs of CPU per request; no stage adds nothing but the lookup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StageBenchmark {
    private static final Stage NO_OP = () -> "noop";
    private final StagePlan none = StagePlan.NONE;
    private final StagePlan oneGlobal = new StagePlan(List.of(NO_OP), Map.of(), Map.of(), Map.of());
    private final ModelRequest request = OpenAiRequestDecoder.decode(Operation.CHAT,
            "{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8));
    private final RoutePlan plan = new RoutePlan(null, List.of(), Set.of());
    private final StageAnswer answer = new StageAnswer("{}".getBytes(StandardCharsets.UTF_8), null);
    private final StageOutcome outcome = new StageOutcome(200, "", null, null, null);
    private final StageRun.RequestListener listener = new StageRun.RequestListener() {
        public void proceed(ModelRequest r) { }
        public void respond(StageAnswer a, String stage) { }
        public void refuse(dev.switchboard.error.GatewayException e, String stage) { }
    };

    @Benchmark
    public List<Stage> noStageConfigured() {
        return none.forCall("cfg:alice", "team-a", null);
    }

    @Benchmark
    public void oneNoOpStage(Blackhole bh) {
        List<Stage> stages = oneGlobal.forCall("cfg:alice", "team-a", null);
        StageRun run = new StageRun(stages, new Call(request, plan), request, Runnable::run, 60_000);
        run.runRequest(listener);
        run.runAnswer(answer, (a, e) -> bh.consume(a));
        run.runOutcome(outcome, e -> { });
        bh.consume(run);
    }

    /** The engine's view of a call, as light as the server's. */
    private record Call(ModelRequest request, RoutePlan plan) implements StageCall {
        public String requestId() { return "req"; }
        public String callerId() { return "cfg:alice"; }
        public String callerName() { return "alice"; }
        public String team() { return "team-a"; }
        public Map<String, String> callerMetadata() { return Map.of(); }
        public String clientDialect() { return "openai"; }
        public String header(String name) { return null; }
        public Map<String, Object> attributes() { return new HashMap<>(); }
        public void setResponseHeader(String name, String value) { }
    }
}
