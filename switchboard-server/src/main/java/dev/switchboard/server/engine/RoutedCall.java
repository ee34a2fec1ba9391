package dev.switchboard.server.engine;

import static dev.switchboard.server.call.ClientOutcomes.CLIENT_CLOSED;
import static dev.switchboard.server.call.ClientOutcomes.CLIENT_TOO_SLOW;

import dev.switchboard.server.call.Exchange;
import dev.switchboard.server.call.UpstreamCall;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.stage.StageAnswer;
import dev.switchboard.error.GatewayException;
import dev.switchboard.routing.BreakerSettings;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.routing.FailureClassifier;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.RouteTarget;
import dev.switchboard.routing.TargetRegistry;
import dev.switchboard.routing.TargetState;
import dev.switchboard.telemetry.RoutingMetrics;
import io.vertx.core.Vertx;
import java.util.Locale;
import dev.switchboard.server.wire.HeaderNames;

/**
 * Runs one request's {@link RoutePlan}: each target in turn, skipping those whose breaker is open, retrying a
 * target with backoff while its policy allows, moving to the next target on the route's fallback triggers, and
 * feeding every attempt's outcome to the target's breaker and statistics. Nothing is retried once the answer has
 * started to reach the client. Confined to the exchange's event loop.
 *
 * <p>Each attempt carries a number; late callbacks of an attempt that was already given up are ignored. What an
 * attempt came to arrives as an {@link AttemptOutcome}: a failure feeds the loop; a whole answer goes out through
 * {@link Answers} and ends the call.
 */
final class RoutedCall {
    /** Performs one attempt at {@code ex.target} (an {@link AttemptRunner}) and tells {@code report} how it went. */
    interface Attempts {
        void run(Exchange ex, boolean contentFilterFallback, AttemptRunner.Report report);
    }

    /** Writes what an attempt came to out to the client, once no other attempt is to take over. */
    interface Answers {
        /** Writes a whole answer; returns null, or the failure that kept it from going out (e.g. it cannot be encoded). */
        GatewayException write(Exchange ex, AttemptOutcome.Whole answer);

        /** Answers with the failure (the provider's own error as it came, where the outcome carries one). */
        void fail(Exchange ex, AttemptOutcome.Failure failure);
    }

    private final Exchange ex;
    private final RoutePlan plan;
    private final TargetRegistry registry;
    private final BreakerSettings breaker;
    private final Attempts attempts;
    private final Answers answers;
    private final OutcomeRecorder recorder;
    private final RoutingMetrics metrics;
    private final Vertx vertx;
    private int index;
    private int retriesUsed;
    private int attemptCount;
    private RouteTarget current;
    private TargetState state;
    private long attemptStartNanos;
    private boolean inAttempt;
    private UpstreamCall upstream;
    private long timer = -1;
    private GatewayException lastError;

    RoutedCall(Exchange ex, RoutePlan plan, TargetRegistry registry, BreakerSettings breaker, Attempts attempts,
               Answers answers, OutcomeRecorder recorder, RoutingMetrics metrics, Vertx vertx) {
        this.ex = ex;
        this.plan = plan;
        this.registry = registry;
        this.breaker = breaker;
        this.attempts = attempts;
        this.answers = answers;
        this.recorder = recorder;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    void start() {
        ex.client.closeHandler(() -> {
            if (ex.isFinished() || ex.client.ended()) {
                // Answered already (HTTP/2 closes each stream after its response, even inside end() before the
                // outcome is recorded): not a client abort, nothing to cancel.
                return;
            }
            // Record first: cancelling resets the upstream request, whose failure handlers would otherwise
            // finish the exchange as an upstream error (502) or a normal stream (200).
            ex.status = 499;
            ex.errorType = "client_closed";
            recorder.finish(ex);
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            if (inAttempt) {
                inAttempt = false;
                state.stats().abandoned();
                state.breaker().release();
            }
            if (upstream != null) {
                upstream.cancel();
            }
        });
        if (plan.route() != null) {
            ex.client.putHeader(HeaderNames.ROUTE, plan.route());
        }
        nextTarget();
    }

    /** The upstream call of the attempt in progress, cancelled if the client leaves. */
    private void calling(UpstreamCall call) {
        this.upstream = call;
    }

    /**
     * Attempt {@code attempt} failed before any of its answer reached the client. Returns true when the failure is
     * taken care of here (another attempt scheduled, the request finished, or a stale attempt); false when the caller
     * must answer with the error itself (in its own way, e.g. relaying a provider's native error body).
     */
    private boolean recover(int attempt, GatewayException e, byte[] upstreamBody) {
        if (attempt != attemptCount || !inAttempt) {
            return true;
        }
        inAttempt = false;
        boolean refused = upstream != null && upstream.refused();
        upstream = null;
        FailureClass failure = FailureClassifier.classify(e, upstreamBody);
        long millis = (System.nanoTime() - attemptStartNanos) / 1_000_000;
        if (refused) {
            return refusedLocally(e); // this gateway's own connection cap: says nothing about the target
        }
        if (e.kind() == ErrorKind.STAGE_FAILED || e.kind() == ErrorKind.STAGE_TIMEOUT) {
            // one of this gateway's stages failed on the provider's answer: not the target's fault, and a retry or
            // another target would meet the same stage
            state.stats().abandoned();
            state.breaker().release();
            lastError = e;
            return ex.isFinished();
        }
        if (failure.targetFault()) {
            state.stats().finished(true, -1, millis, failure.name().toLowerCase(Locale.ROOT) + ": " + e.getMessage());
            if (failure == FailureClass.RATE_LIMITED) {
                state.breaker().release(); // a quota, not a broken target: Retry-After says when it is back
            } else {
                state.breaker().onFailure(breaker, System.nanoTime(), e.getMessage());
            }
        } else {
            state.stats().abandoned(); // the request's fault, not the target's
            state.breaker().release();
        }
        metrics.attempt(state, failure.name().toLowerCase(Locale.ROOT));
        lastError = e;
        if (ex.isFinished()) {
            return true;
        }
        if (current.retry().retries(failure) && retriesUsed < current.retry().retries()) {
            long delay = current.retry().delayMillis(retriesUsed + 1, e.retryAfter());
            if (delay >= 0) {
                retriesUsed++;
                metrics.retry(state);
                later(delay, this::retrySameTarget);
                return true;
            }
        }
        if (index + 1 < plan.targets().size() && plan.fallsBackOn(failure.trigger())) {
            metrics.fallback(state, plan.route() == null ? "" : plan.route(), failure.name().toLowerCase(Locale.ROOT));
            index++;
            nextTarget();
            return true;
        }
        return false;
    }

    /**
     * The attempt never left the gateway: the provider's {@code max_connections} were in use. Neither the breaker nor
     * the statistics hear of it; the route may fall back at once (a retry of the same target would only wait).
     */
    private boolean refusedLocally(GatewayException e) {
        state.stats().abandoned();
        state.breaker().release();
        metrics.attempt(state, "saturated");
        lastError = e;
        if (ex.isFinished()) {
            return true;
        }
        if (index + 1 < plan.targets().size() && plan.fallsBackOn(dev.switchboard.routing.FallbackTrigger.ERROR)) {
            metrics.fallback(state, plan.route() == null ? "" : plan.route(), "saturated");
            index++;
            nextTarget();
            return true;
        }
        return false;
    }

    /** Whether an answer that finished with a content-filter refusal should go to the next target instead. */
    private boolean fallsBackOnContentFilter() {
        return index + 1 < plan.targets().size()
                && plan.fallsBackOn(dev.switchboard.routing.FallbackTrigger.CONTENT_FILTER);
    }

    /** The request ended after attempt {@code attempt} reached the client (fully, or broken mid-stream). */
    private void done(int attempt) {
        settleAttempt(attempt);
        recorder.finish(ex);
    }

    /** The attempt's effect on its target's breaker and statistics, once its answer reached the client. */
    private void settleAttempt(int attempt) {
        if (attempt == attemptCount && inAttempt) {
            inAttempt = false;
            long now = System.nanoTime();
            long millis = (now - attemptStartNanos) / 1_000_000;
            if (clientSide(ex.errorType)) {
                // the client left or read too slowly: the target did nothing wrong, and its latency is unknown
                state.stats().abandoned();
                state.breaker().release();
                metrics.attempt(state, "abandoned");
                return;
            }
            boolean failed = !ex.errorType.isEmpty();
            long ttft = ex.firstTokenNanos < 0 ? -1 : Math.max(0, (ex.firstTokenNanos - attemptStartNanos) / 1_000_000);
            state.stats().finished(failed, ttft, millis, failed ? ex.errorType : null);
            if (failed) {
                state.breaker().onFailure(breaker, now, ex.errorType);
            } else {
                state.breaker().onSuccess(breaker, now);
            }
            metrics.attempt(state, failed ? ex.errorType : "success");
        }
    }

    /** Outcomes the client caused: never a target's failure. */
    static boolean clientSide(String errorType) {
        return CLIENT_CLOSED.equals(errorType) || CLIENT_TOO_SLOW.equals(errorType);
    }

    private void nextTarget() {
        long now = System.nanoTime();
        while (index < plan.targets().size()) {
            RouteTarget candidate = plan.targets().get(index);
            TargetState s = registry.state(candidate);
            if (s.breaker().tryAcquire(breaker, now) || alone()) {
                current = candidate;
                state = s;
                retriesUsed = 0;
                attempt(now);
                return;
            }
            metrics.attempt(s, "breaker_open");
            if (lastError == null) {
                lastError = breakerOpen(candidate, s);
            }
            index++;
        }
        recorder.fail(ex, lastError != null ? lastError
                : new GatewayException(ErrorKind.UPSTREAM_OVERLOADED, "No target is available."));
    }

    /**
     * A breaker skips its target only when the plan has somewhere else to go: with one target, refusing would turn
     * a partial outage into a total one, so the request is sent (and still feeds the breaker).
     */
    private boolean alone() {
        return plan.targets().size() == 1;
    }

    private void retrySameTarget() {
        timer = -1;
        if (ex.isFinished()) {
            return;
        }
        long now = System.nanoTime();
        if (!state.breaker().tryAcquire(breaker, now) && !alone()) {
            index++; // the failures that led here opened the breaker: go on to the next target
            nextTarget();
            return;
        }
        attempt(now);
    }

    private void attempt(long nowNanos) {
        attemptCount++;
        inAttempt = true;
        attemptStartNanos = nowNanos;
        ex.target = current.target();
        ex.attempts = attemptCount;
        state.stats().started();
        ex.client.putHeader(HeaderNames.PROVIDER, current.target().provider().name());
        ex.client.putHeader(HeaderNames.MODEL, current.target().upstreamModel());
        ex.client.putHeader(HeaderNames.ATTEMPTS, Integer.toString(attemptCount));
        AttemptReport report = new AttemptReport(attemptCount);
        try {
            attempts.run(ex, fallsBackOnContentFilter(), report);
        } catch (GatewayException e) { // e.g. the request cannot be translated for this target
            report.outcome(new AttemptOutcome.Failure(e));
        }
    }

    /** Where attempt {@code n}'s outcome lands: its failures feed the loop, its answer goes out and ends the call. */
    private final class AttemptReport implements AttemptRunner.Report {
        private final int n;

        AttemptReport(int n) {
            this.n = n;
        }

        @Override
        public void sending(UpstreamCall call) {
            calling(call);
        }

        /** Every attempt's outcome passes here (per request, the final one is recorded by {@link OutcomeRecorder#finish}). */
        @Override
        public boolean outcome(AttemptOutcome outcome) {
            switch (outcome) {
                case AttemptOutcome.Answer answer when ex.stages != null && ex.stages.readsAnswers() -> {
                    staged(answer);
                    return true;
                }
                case AttemptOutcome.Whole whole -> {
                    GatewayException e = answers.write(ex, whole);
                    if (e != null) {
                        return failed(new AttemptOutcome.Failure(e));
                    }
                    done(n);
                    return true;
                }
                case AttemptOutcome.Streamed streamed -> {
                    done(n);
                    return true;
                }
                case AttemptOutcome.Failure failure -> {
                    return failed(failure);
                }
            }
        }

        /**
         * A whole answer through the call's answer stages first (they may wait). A stage that fails gives the client
         * its error, and the target its success: the provider answered.
         */
        private void staged(AttemptOutcome.Answer a) {
            ex.usage = a.answer().usage(); // the provider's work, counted even if the client leaves while a stage works
            ex.stages.runAnswer(new StageAnswer(a.answer().body(), a.answer().usage()), (changed, error) ->
                    recorder.guarded(ex, () -> {
                        if (ex.isFinished()) {
                            return; // the client left while a stage worked on the answer
                        }
                        if (error != null) { // the provider's work (ex.usage) is counted all the same
                            settleAttempt(n);
                            recorder.fail(ex, error);
                            return;
                        }
                        AttemptOutcome.Answer out = new AttemptOutcome.Answer(
                                new ChatAdapter.Answer(changed.body(), changed.usage()), a.upstreamBytes(), a.upstream(),
                                a.contentType());
                        GatewayException e = answers.write(ex, out);
                        if (e != null) {
                            failed(new AttemptOutcome.Failure(e));
                            return;
                        }
                        ex.deliveredAnswer = changed;
                        done(n);
                    }));
        }

        private boolean failed(AttemptOutcome.Failure failure) {
            if (recover(n, failure.error(), failure.upstreamBody())) {
                return true; // retried, moved on to the next target, or a stale attempt
            }
            if (failure.streamPending()) {
                return false; // the stream relay ends its stream with the error event
            }
            answers.fail(ex, failure);
            return true;
        }
    }

    private void later(long delayMillis, Runnable action) {
        if (delayMillis <= 0) {
            vertx.runOnContext(v -> action.run());
        } else {
            timer = vertx.setTimer(delayMillis, id -> action.run());
        }
    }

    private GatewayException breakerOpen(RouteTarget t, TargetState s) {
        long wait = s.breaker().cooldownLeftMillis(breaker, System.nanoTime());
        String seconds = Long.toString(Math.max(1, (wait + 999) / 1000));
        return new GatewayException(ErrorKind.UPSTREAM_OVERLOADED, 503, "The circuit breaker of '" + t.key()
                + "' is open after repeated failures; retry in " + seconds + " s.", null, seconds);
    }
}
