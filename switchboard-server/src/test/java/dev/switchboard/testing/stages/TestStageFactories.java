package dev.switchboard.testing.stages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.stage.StageSpec;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.openai.OpenAiIngress;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.stage.Stage;
import dev.switchboard.stage.StageAnswer;
import dev.switchboard.stage.StageCall;
import dev.switchboard.stage.StageDecision;
import dev.switchboard.stage.StageFactory;
import dev.switchboard.stage.StageOutcome;
import dev.switchboard.stage.StreamStage;
import dev.switchboard.usage.Usage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Stages for the end-to-end tests, registered with ServiceLoader from the test class path:
 * <ul>
 *   <li>{@code test_answer}: answers every call itself with {@code settings.text} (a cache hit's shape), or with
 *   {@code settings.body} as the answer's bytes, whatever they are;</li>
 *   <li>{@code test_rewrite}: replaces {@code settings.find} with {@code settings.replace} in the user's messages;</li>
 *   <li>{@code test_replace_answer}: the same in the answer, whole or streamed (text across chunk boundaries); a
 *   whole answer after {@code settings.delay_ms}, or {@code settings.garbage} in its place;</li>
 *   <li>{@code test_fail}: throws in the hook named by {@code settings.phase} (request, answer, stream, on_stream, outcome;
 *   {@code request_error} and {@code outcome_error} throw an Error, as a plugin stage missing a class would), after
 *   {@code settings.delay_ms} for a request hook that passes;</li>
 *   <li>{@code test_journal}: writes each hook it runs into {@link StageJournal} under its name; sets
 *   {@code settings.header} ({@code name}, {@code value}) on the answer, journaling a refusal; journals the
 *   request headers named in {@code settings.read_headers} as it sees them.</li>
 * </ul>
 */
public final class TestStageFactories {
    private TestStageFactories() {}

    private static String text(StageSpec spec, String field) {
        JsonNode v = spec.settings().get(field);
        return v == null ? null : v.asText();
    }

    static String lastUserText(ModelRequest req) {
        String last = "";
        for (JsonNode m : req.body().path("messages")) {
            if ("user".equals(m.path("role").asText()) && m.path("content").isTextual()) {
                last = m.get("content").asText();
            }
        }
        return last;
    }

    /** Settings are free-form here: the tests give what each stage reads. */
    abstract static class Lenient implements StageFactory {
        @Override
        public List<String> problems(StageSpec spec) {
            return List.of();
        }
    }

    public static final class Answer extends Lenient {
        public String type() { return "test_answer"; }

        public Stage create(StageSpec spec) {
            String text = text(spec, "text");
            String body = text(spec, "body");
            long delayMillis = spec.settings().path("delay_ms").asLong(0);
            return new Stage() {
                public String name() { return spec.name(); }

                public CompletionStage<StageDecision> onRequest(StageCall call) {
                    // "echo" answers with the caller's own last message, so a burst can tell answers apart
                    String said = "echo".equals(text) ? "stage: " + lastUserText(call.request()) : text;
                    StageDecision d = new StageDecision.Respond(body != null
                            ? new StageAnswer(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), null)
                            : StageAnswer.text("stage-" + call.requestId(), call.request().model(), said,
                                    new Usage(3, 5, 8, 0, 0)));
                    // answer after a hop to another thread: the engine must resume on the call's event loop
                    return CompletableFuture.supplyAsync(() -> d,
                            CompletableFuture.delayedExecutor(delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS));
                }
            };
        }
    }

    public static final class Rewrite extends Lenient {
        public String type() { return "test_rewrite"; }

        public Stage create(StageSpec spec) {
            String find = text(spec, "find");
            String replace = text(spec, "replace");
            return new Stage() {
                public String name() { return spec.name(); }

                public CompletionStage<StageDecision> onRequest(StageCall call) {
                    ModelRequest req = call.request();
                    ObjectNode body = req.body().deepCopy();
                    for (JsonNode m : body.path("messages")) {
                        if (m.path("content").isTextual()) {
                            ((ObjectNode) m).put("content", m.get("content").asText().replace(find, replace));
                        }
                    }
                    try {
                        ModelRequest rewritten = OpenAiIngress.INSTANCE.decode(req.operation(), Json.MAPPER.writeValueAsBytes(body))
                                .withDialectOnly(req.dialectOnly());
                        return StageDecision.now(new StageDecision.Rewrite(rewritten));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
        }
    }

    public static final class ReplaceAnswer extends Lenient {
        public String type() { return "test_replace_answer"; }

        public Stage create(StageSpec spec) {
            String find = text(spec, "find");
            String replace = text(spec, "replace");
            long delayMillis = spec.settings().path("delay_ms").asLong(0); // a whole answer's hook that takes its time
            String garbage = text(spec, "garbage"); // what a broken answer hook gives instead of the answer
            return new Stage() {
                public String name() { return spec.name(); }

                public boolean readsAnswers() { return true; }

                public CompletionStage<StageAnswer> onAnswer(StageCall call, StageAnswer answer) {
                    ObjectNode tree = answer.tree();
                    for (JsonNode choice : tree.path("choices")) {
                        JsonNode message = choice.path("message");
                        if (message.path("content").isTextual()) {
                            ((ObjectNode) message).put("content", message.get("content").asText().replace(find, replace));
                        }
                    }
                    try {
                        StageAnswer changed = garbage != null
                                ? new StageAnswer(garbage.getBytes(java.nio.charset.StandardCharsets.UTF_8), answer.usage())
                                : new StageAnswer(Json.MAPPER.writeValueAsBytes(tree), answer.usage());
                        return delayMillis <= 0 ? CompletableFuture.completedFuture(changed)
                                : CompletableFuture.supplyAsync(() -> changed,
                                        CompletableFuture.delayedExecutor(delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                }

                public StreamStage onStream(StageCall call) {
                    return new TextReplacingStream(find, replace);
                }
            };
        }
    }

    public static final class Fail extends Lenient {
        public String type() { return "test_fail"; }

        public Stage create(StageSpec spec) {
            String phase = text(spec, "phase");
            long delayMillis = spec.settings().path("delay_ms").asLong(0);
            return new Stage() {
                public String name() { return spec.name(); }

                public boolean readsAnswers() {
                    return "answer".equals(phase) || "stream".equals(phase) || "on_stream".equals(phase);
                }

                public CompletionStage<StageDecision> onRequest(StageCall call) {
                    if ("request".equals(phase)) {
                        throw new IllegalStateException("test stage failed on purpose: sk-never-shown");
                    }
                    if ("request_error".equals(phase)) {
                        throw new NoClassDefFoundError("a/missing/Dependency (sk-never-shown)");
                    }
                    if (delayMillis > 0) {
                        return CompletableFuture.supplyAsync(() -> StageDecision.PROCEED,
                                CompletableFuture.delayedExecutor(delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS));
                    }
                    return StageDecision.PROCEED_NOW;
                }

                public void onOutcome(StageCall call, StageOutcome outcome) {
                    if ("outcome".equals(phase)) {
                        throw new IllegalStateException("outcome hook failed on purpose");
                    }
                    if ("outcome_error".equals(phase)) {
                        throw new NoClassDefFoundError("a/missing/Dependency");
                    }
                }

                public CompletionStage<StageAnswer> onAnswer(StageCall call, StageAnswer answer) {
                    if ("answer".equals(phase)) {
                        return CompletableFuture.failedFuture(new IllegalStateException("answer hook failed on purpose"));
                    }
                    return CompletableFuture.completedFuture(answer);
                }

                public StreamStage onStream(StageCall call) {
                    if ("on_stream".equals(phase)) {
                        throw new IllegalStateException("no stream step today");
                    }
                    if (!"stream".equals(phase)) {
                        return null;
                    }
                    return (event, out) -> {
                        if (event instanceof dev.switchboard.stream.StreamEvent.TextDelta) {
                            throw new IllegalStateException("stream hook failed on purpose");
                        }
                        out.accept(event);
                    };
                }
            };
        }
    }

    public static final class Journal extends Lenient {
        public String type() { return "test_journal"; }

        public Stage create(StageSpec spec) {
            String refuse = text(spec, "refuse");
            JsonNode header = spec.settings().path("header"); // { name, value } to set on the answer, if it may
            List<String> reads = new java.util.ArrayList<>(); // request headers to journal as the stage sees them
            spec.settings().path("read_headers").forEach(h -> reads.add(h.asText()));
            return new Stage() {
                public String name() { return spec.name(); }

                public CompletionStage<StageDecision> onRequest(StageCall call) {
                    StageJournal.add(call.requestId(), spec.name() + ".request");
                    for (String h : reads) {
                        StageJournal.add(call.requestId(), spec.name() + ".header " + h + "=" + call.header(h));
                    }
                    if (header.isObject()) {
                        try {
                            call.setResponseHeader(header.path("name").asText(), header.path("value").asText());
                        } catch (IllegalArgumentException e) {
                            StageJournal.add(call.requestId(), spec.name() + ".header refused");
                        }
                    }
                    if (refuse != null) {
                        return StageDecision.now(new StageDecision.Refuse(
                                new GatewayException(ErrorKind.INVALID_REQUEST, refuse)));
                    }
                    return StageDecision.PROCEED_NOW;
                }

                public void onOutcome(StageCall call, StageOutcome outcome) {
                    StageJournal.add(call.requestId(), spec.name() + ".outcome:" + outcome.status()
                            + (outcome.answeredBy() == null ? "" : ":" + outcome.answeredBy()));
                }
            };
        }
    }

}
