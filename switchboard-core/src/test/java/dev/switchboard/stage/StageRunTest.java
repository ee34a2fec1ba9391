package dev.switchboard.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.stream.StreamEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The stage runner: order, short-circuits, failures, waiting hooks, rewrites and the stream look-ahead. */
class StageRunTest {
    private static final String REQ = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private final ModelRequest req = TestStages.request(REQ);
    private final StageCall call = TestStages.call(req);
    /** A loop the test drains by hand, to see that waiting hooks resume on it and nowhere else. */
    private final ConcurrentLinkedQueue<Runnable> loopQueue = new ConcurrentLinkedQueue<>();
    private final Executor loop = loopQueue::add;

    /** What the request phase ended with. */
    private final AtomicReference<String> ended = new AtomicReference<>();
    private final StageRun.RequestListener listener = new StageRun.RequestListener() {
        public void proceed(ModelRequest request) { ended.set("proceed:" + new String(request.raw())); }
        public void respond(StageAnswer answer, String stage) { ended.set("respond:" + stage); }
        public void refuse(GatewayException error, String stage) { ended.set("refuse:" + stage + ":" + error.kind().code()); }
    };

    private StageRun run(Stage... stages) {
        return new StageRun(List.of(stages), call, req, loop, 2_000);
    }

    @Test
    void requestHooksRunInOrderAndOutcomesInReverse() {
        List<String> j = TestStages.journal();
        StageRun r = run(TestStages.journaling("a", j, c -> StageDecision.PROCEED_NOW),
                TestStages.journaling("b", j, c -> StageDecision.PROCEED_NOW));
        r.runRequest(listener);
        assertThat(ended.get()).startsWith("proceed:");
        r.runAnswer(StageAnswer.text("id", "m", "hello", null), (a, e) -> j.add("sent"));
        r.runOutcome(new StageOutcome(200, "", null, null, null), e -> j.add("hook failed"));
        r.runOutcome(new StageOutcome(200, "", null, null, null), e -> j.add("hook failed")); // once only
        assertThat(j).containsExactly("a.request", "b.request", "b.answer", "a.answer", "sent", "b.outcome:200", "a.outcome:200");
    }

    @Test
    void aShortCircuitIsSeenOnlyByTheStagesBeforeIt() {
        List<String> j = TestStages.journal();
        StageRun r = run(TestStages.journaling("a", j, c -> StageDecision.PROCEED_NOW),
                TestStages.journaling("cache", j, c -> StageDecision.now(new StageDecision.Respond(StageAnswer.text("x", "m", "hit", null)))),
                TestStages.journaling("c", j, c -> StageDecision.PROCEED_NOW));
        r.runRequest(listener);
        assertThat(ended.get()).isEqualTo("respond:cache");
        assertThat(r.answeredBy()).isEqualTo("cache");
        r.runAnswer(StageAnswer.text("x", "m", "hit", null), (a, e) -> j.add("sent"));
        r.runOutcome(new StageOutcome(200, "", null, "cache", null), e -> { });
        assertThat(j).containsExactly("a.request", "cache.request", "a.answer", "sent", "cache.outcome:200", "a.outcome:200");
    }

    @Test
    void aThrowingStageRefusesCleanlyAndStillGetsItsOutcome() {
        List<String> j = TestStages.journal();
        StageRun r = run(TestStages.journaling("a", j, c -> StageDecision.PROCEED_NOW),
                TestStages.journaling("boom", j, c -> { throw new IllegalStateException("secret detail"); }));
        r.runRequest(listener);
        assertThat(ended.get()).isEqualTo("refuse:boom:stage_failed");
        r.runOutcome(new StageOutcome(500, "stage_failed", null, "boom", null), e -> { });
        assertThat(j).containsExactly("a.request", "boom.request", "boom.outcome:500", "a.outcome:500");
    }

    @Test
    void aFailureMessageNamesTheStageNotTheCause() {
        GatewayException e = StageRun.failure(TestStages.journaling("x", new ArrayList<>(), c -> null),
                new IllegalStateException("sk-secret-123"), "req-9");
        assertThat(e.kind()).isEqualTo(ErrorKind.STAGE_FAILED);
        assertThat(e.getMessage()).contains("'x'", "req-9").doesNotContain("sk-secret");
    }

    @Test
    void aStagesOwnGatewayErrorGoesOutAsItIs() {
        GatewayException refusal = new GatewayException(ErrorKind.INVALID_REQUEST, "Blocked by policy.");
        StageRun r = run(TestStages.journaling("guard", new ArrayList<>(), c -> StageDecision.now(new StageDecision.Refuse(refusal))));
        r.runRequest(listener);
        assertThat(ended.get()).isEqualTo("refuse:guard:invalid_request");
    }

    @Test
    void aWaitingHookResumesOnTheLoop() {
        CompletableFuture<StageDecision> later = new CompletableFuture<>();
        List<String> j = TestStages.journal();
        StageRun r = run(TestStages.journaling("slow", j, c -> later), TestStages.journaling("b", j, c -> StageDecision.PROCEED_NOW));
        r.runRequest(listener);
        assertThat(ended.get()).isNull();
        later.complete(StageDecision.PROCEED);
        assertThat(ended.get()).isNull(); // not on the completing thread
        assertThat(j).containsExactly("slow.request");
        loopQueue.poll().run();
        assertThat(j).containsExactly("slow.request", "b.request");
        assertThat(ended.get()).startsWith("proceed:");
    }

    @Test
    void aHookThatNeverDecidesTimesOut() throws Exception {
        StageRun r = new StageRun(List.of(TestStages.journaling("stuck", new ArrayList<>(), c -> new CompletableFuture<>())),
                call, req, loop, 50);
        r.runRequest(listener);
        for (int i = 0; i < 100 && loopQueue.isEmpty(); i++) {
            Thread.sleep(20);
        }
        loopQueue.poll().run();
        assertThat(ended.get()).isEqualTo("refuse:stuck:stage_timeout");
    }

    @Test
    void aNullDecisionOrNullFutureIsAFailureNotAHang() {
        run(TestStages.journaling("n", new ArrayList<>(), c -> StageDecision.now(null))).runRequest(listener);
        assertThat(ended.get()).isEqualTo("refuse:n:stage_failed");
        ended.set(null);
        run(TestStages.journaling("nf", new ArrayList<>(), c -> null)).runRequest(listener);
        loopQueue.poll().run();
        assertThat(ended.get()).isEqualTo("refuse:nf:stage_failed");
    }

    @Test
    void aRewriteReplacesTheRequestButMayNotChangeItsModel() {
        ModelRequest masked = TestStages.request(REQ.replace("hi", "[masked]"));
        StageRun r = run(TestStages.journaling("mask", new ArrayList<>(), c -> StageDecision.now(new StageDecision.Rewrite(masked))));
        r.runRequest(listener);
        assertThat(ended.get()).contains("[masked]");
        assertThat(r.rewritten()).isTrue();

        ModelRequest other = TestStages.request(REQ.replace("\"m\"", "\"other\""));
        run(TestStages.journaling("sneaky", new ArrayList<>(), c -> StageDecision.now(new StageDecision.Rewrite(other)))).runRequest(listener);
        assertThat(ended.get()).isEqualTo("refuse:sneaky:stage_failed");
    }

    @Test
    void streamStagesRunInnermostFirstAndAreHeldToTheirLookahead() {
        List<String> j = TestStages.journal();
        Stage upper = streaming("upper", j, (e, out) -> out.accept(e instanceof StreamEvent.TextDelta t
                ? new StreamEvent.TextDelta(t.choice(), t.text().toUpperCase()) : e), 0);
        Stage hoarder = streaming("hoarder", j, (e, out) -> { }, 2);
        StageRun r = run(upper);
        r.runRequest(listener);
        List<StreamEvent> sink = new ArrayList<>();
        List<dev.switchboard.stream.StreamTransform> steps = r.streamTransforms();
        assertThat(steps).hasSize(1);
        steps.get(0).onEvent(new StreamEvent.TextDelta(0, "abc"), sink::add);
        steps.get(0).onEnd(sink::add);
        assertThat(sink).containsExactly(new StreamEvent.TextDelta(0, "ABC"));

        StageRun h = run(hoarder);
        h.runRequest(listener);
        dev.switchboard.stream.StreamTransform p2 = h.streamTransforms().get(0);
        p2.onEvent(new StreamEvent.TextDelta(0, "a"), e -> { });
        p2.onEvent(new StreamEvent.TextDelta(0, "b"), e -> { });
        assertThatThrownBy(() -> p2.onEvent(new StreamEvent.TextDelta(0, "c"), e -> { }))
                .isInstanceOf(GatewayException.class).hasMessageContaining("look-ahead of 2");
    }

    /**
     * A stream stage that keeps the consumer and emits after its hook returned (a timer, another thread, after the
     * stream ended) reaches nothing: the encoder is not its to write to then; the stream ends with the stage's error
     * at its next event. A null event is the stage's failure, not the encoder's.
     */
    @Test
    void aStreamStageEmittingOutsideItsHookOrANullEventFailsCleanly() {
        List<String> j = TestStages.journal();
        java.util.concurrent.atomic.AtomicReference<java.util.function.Consumer<StreamEvent>> kept = new java.util.concurrent.atomic.AtomicReference<>();
        StageRun r = run(streaming("late", j, (e, out) -> kept.set(out), 8));
        r.runRequest(listener);
        dev.switchboard.stream.StreamTransform step = r.streamTransforms().get(0);
        List<StreamEvent> sink = new ArrayList<>();
        step.onEvent(new StreamEvent.TextDelta(0, "a"), sink::add);
        kept.get().accept(new StreamEvent.TextDelta(0, "late")); // after onEvent returned
        assertThat(sink).isEmpty();
        assertThatThrownBy(() -> step.onEvent(new StreamEvent.TextDelta(0, "b"), sink::add))
                .isInstanceOf(GatewayException.class).hasMessageContaining("Stage 'late'");
        assertThatThrownBy(() -> step.onEnd(sink::add)).isInstanceOf(GatewayException.class);
        kept.get().accept(new StreamEvent.TextDelta(0, "after the end"));
        assertThat(sink).isEmpty();

        StageRun n = run(streaming("nulls", j, (e, out) -> out.accept(null), 0));
        n.runRequest(listener);
        dev.switchboard.stream.StreamTransform nulls = n.streamTransforms().get(0);
        assertThatThrownBy(() -> nulls.onEvent(new StreamEvent.TextDelta(0, "a"), e -> {
            throw new NullPointerException("the encoder got null");
        })).isInstanceOf(GatewayException.class).hasMessageContaining("Stage 'nulls'");
    }

    @Test
    void streamStepsComeInnermostFirst() {
        List<String> j = TestStages.journal();
        StageRun r = run(streaming("outer", j, (e, out) -> out.accept(e), 0), streaming("inner", j, (e, out) -> out.accept(e), 0));
        r.runRequest(listener);
        List<StreamEvent> seen = new ArrayList<>();
        List<dev.switchboard.stream.StreamTransform> steps = r.streamTransforms();
        assertThat(steps).hasSize(2);
        // the decoder feeds steps.get(0): the inner stage; the outer stage writes to the encoder
        steps.get(0).onEvent(new StreamEvent.TextDelta(0, "x"), e -> steps.get(1).onEvent(e, seen::add));
        assertThat(j).containsExactly("inner", "outer");
        assertThat(seen).hasSize(1);
    }

    @Test
    void aStageThatReadsNoAnswersIsNeverAskedForAStreamStep() {
        Stage quiet = new Stage() {
            public String name() { return "quiet"; }

            public StreamStage onStream(StageCall call) { throw new AssertionError("asked for a stream step"); }
        };
        StageRun r = run(quiet);
        r.runRequest(listener);
        assertThat(r.readsAnswers()).isFalse();
        assertThat(r.streamTransforms()).isEmpty();
    }

    @Test
    void noStreamStageMeansNoPipe() {
        StageRun r = run(TestStages.journaling("a", new ArrayList<>(), c -> StageDecision.PROCEED_NOW));
        r.runRequest(listener);
        assertThat(r.streamTransforms()).isEmpty();
    }

    private static Stage streaming(String name, List<String> j,
                                   java.util.function.BiConsumer<StreamEvent, java.util.function.Consumer<StreamEvent>> f,
                                   int lookahead) {
        return new Stage() {
            public String name() { return name; }

            public boolean readsAnswers() { return true; }

            public StreamStage onStream(StageCall call) {
                return new StreamStage() {
                    public void onEvent(StreamEvent event, java.util.function.Consumer<StreamEvent> out) {
                        j.add(name);
                        f.accept(event, out);
                    }
                    public int lookahead() { return lookahead; }
                };
            }
        };
    }
}
