package dev.switchboard.stage;

import dev.switchboard.access.ClientKey;
import dev.switchboard.access.ModelPolicy;
import dev.switchboard.ingress.openai.OpenAiIngress;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.routing.RoutePlan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Stages and a call for the runner's unit tests; each stage writes what ran into a shared journal. */
final class TestStages {
    private TestStages() {}

    static ModelRequest request(String json) {
        return OpenAiIngress.INSTANCE.decode(Operation.CHAT, json.getBytes(StandardCharsets.UTF_8));
    }

    static StageCall call(ModelRequest req) {
        Map<String, Object> attributes = new HashMap<>();
        ClientKey key = new ClientKey("alice", ModelPolicy.ALL);
        RoutePlan plan = new RoutePlan(null, List.of(), Set.of());
        return new StageCall() {
            public String requestId() { return "req-1"; }
            public ModelRequest request() { return req; }
            public String callerId() { return key.id(); }
            public String callerName() { return key.name(); }
            public String team() { return key.team(); }
            public Map<String, String> callerMetadata() { return key.metadata(); }
            public RoutePlan plan() { return plan; }
            public String clientDialect() { return "openai"; }
            public String header(String name) { return null; }
            public Map<String, Object> attributes() { return attributes; }
            public void setResponseHeader(String name, String value) { }
        };
    }

    /** A stage that journals each hook and decides with {@code decide}. */
    static Stage journaling(String name, List<String> journal, Function<StageCall, CompletionStage<StageDecision>> decide) {
        return new Stage() {
            public String name() { return name; }

            public boolean readsAnswers() { return true; }

            public CompletionStage<StageDecision> onRequest(StageCall call) {
                journal.add(name + ".request");
                return decide.apply(call);
            }

            public CompletionStage<StageAnswer> onAnswer(StageCall call, StageAnswer answer) {
                journal.add(name + ".answer");
                return java.util.concurrent.CompletableFuture.completedFuture(answer);
            }

            public void onOutcome(StageCall call, StageOutcome outcome) {
                journal.add(name + ".outcome:" + outcome.status());
            }
        };
    }

    static List<String> journal() {
        return new ArrayList<>();
    }
}
