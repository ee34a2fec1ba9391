package dev.switchboard.server.engine;

import dev.switchboard.server.call.Exchange;
import dev.switchboard.config.LimitsConfig;
import dev.switchboard.cost.CostCalculator;
import dev.switchboard.cost.Price;
import dev.switchboard.cost.PriceTable;
import dev.switchboard.limits.Admission;
import dev.switchboard.limits.AdmissionRequest;
import dev.switchboard.limits.RateLimit;
import dev.switchboard.limits.Limiter;
import dev.switchboard.limits.Reservation;
import dev.switchboard.limits.Scope;
import dev.switchboard.model.Operation;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.Target;
import dev.switchboard.tokens.EstimateWorkers;
import dev.switchboard.tokens.RequestEstimate;
import dev.switchboard.tokens.TokenEstimator;
import dev.switchboard.usage.Usage;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.switchboard.server.admission.ChoiceCount;
import dev.switchboard.server.admission.ModelLimits;
import dev.switchboard.server.admission.OutputEstimates;
import dev.switchboard.server.admission.PlanPrices;
import dev.switchboard.server.admission.ScopeIds;
import dev.switchboard.server.admission.StreamAllowance;
import dev.switchboard.server.admission.AdmissionScopes;

/**
 * Admission before a model call, settlement after it. The request's scopes (its key, its team, the route, the target
 * model, the key and target together) are counted in one atomic step. Admission reserves an estimate: the input
 * tokens counted with a tokenizer plus the expected output per choice (the smaller of {@code max_tokens} and the
 * target's running estimate, {@link OutputEstimates}) times the number of choices, at the dearest target's prices.
 * Only the input must fit: a counter with less room than the estimate grants what is left. A budgeted request whose
 * plan may reach an unpriced model is refused. After the call the real usage replaces the reservation and teaches the
 * estimate. A request with nothing to count costs no estimate and no counter call.
 */
public final class AdmissionControl {
    private final Limiter limiter;
    private final EstimateWorkers estimator;
    private final PriceTable prices;
    private final OutputEstimates outputs = new OutputEstimates();
    /** Shared by the event loops; a race only builds the same immutable map twice. */
    private volatile ModelLimitsOf modelLimits;

    public AdmissionControl(Limiter limiter, TokenEstimator estimator, PriceTable prices) {
        this.limiter = limiter;
        this.estimator = new EstimateWorkers(estimator);
        this.prices = prices;
    }

    /** Completes when the request may go ahead (the reservation is on the exchange), or fails with a 400/429/503. */
    Future<Void> admit(Exchange ex, RoutePlan plan) {
        LimitsConfig limits = ex.snapshot.config().governance().limits();
        Target first = plan.targets().get(0).target();
        List<Scope> scopes = AdmissionScopes.of(ex.key, plan, limits, modelLimits(ex));
        if (scopes.isEmpty()) {
            return Future.succeededFuture();
        }
        PlanPrices planPrices = PlanPrices.of(plan, prices);
        if (planPrices.unpriced() != null && AdmissionScopes.budgeted(scopes)) {
            return Future.failedFuture(planPrices.notPriced()); // unpriced would mean uncharged: fail closed
        }
        // tokenising grows with the prompt: small bodies inline, larger ones on the estimate workers (H8)
        RequestEstimate quick = estimator.inline(first.upstreamModel(), ex.request.raw());
        if (quick != null) {
            return reserve(ex, limits, scopes, planPrices, first, quick);
        }
        return estimator.offLoop(first.upstreamModel(), ex.request.raw())
                .compose(estimate -> reserve(ex, limits, scopes, planPrices, first, estimate));
    }

    /**
     * The request's input tokens: admission's estimate when it made one, else (no limits applied, so it did not) one
     * made now, inline for a small body and on the estimate workers for a large one. For answers whose provider
     * reports no usage.
     */
    Future<Long> inputTokens(Exchange ex) {
        if (ex.estimatedInputTokens >= 0) {
            return Future.succeededFuture(ex.estimatedInputTokens);
        }
        String model = ex.target == null ? null : ex.target.upstreamModel();
        RequestEstimate quick = estimator.inline(model, ex.request.raw());
        if (quick != null) {
            return Future.succeededFuture(quick.inputTokens());
        }
        return estimator.offLoop(model, ex.request.raw()).map(RequestEstimate::inputTokens);
    }

    /**
     * A free call ({@code count_tokens}): counted as one request against the caller's requests-per-minute limits
     * only (no tokens, no money), so it is refused when a window is full but never by a spent budget.
     */
    public Future<Void> admitFree(Exchange ex, RoutePlan plan) {
        LimitsConfig limits = ex.snapshot.config().governance().limits();
        List<Scope> scopes = new ArrayList<>(3);
        for (Scope s : AdmissionScopes.of(ex.key, plan, limits, modelLimits(ex))) {
            Long rpm = s.rateLimit() == null ? null : s.rateLimit().requestsPerMinute();
            if (rpm != null) {
                scopes.add(new Scope(s.id(), RateLimit.requestsPerMinute(rpm), null, s.reported()));
            }
        }
        if (scopes.isEmpty()) {
            return Future.succeededFuture();
        }
        return limiter.admit(AdmissionRequest.of(scopes, 0, 0)).compose(admission -> {
            putHeaders(ex, admission);
            if (!admission.admitted()) {
                return Future.failedFuture(AdmissionRefusals.of(admission, scopes, 0, 0));
            }
            admission.reservation().reconcile(0, 0); // the request counts; it has no tokens or money to settle
            return Future.succeededFuture();
        });
    }

    private Future<Void> reserve(Exchange ex, LimitsConfig limits, List<Scope> scopes, PlanPrices planPrices,
                                 Target first, RequestEstimate estimate) {
        long input = estimate.inputTokens();
        long choices = ChoiceCount.of(ex.request.raw());
        long expected = expectedOutput(ex, limits, first, estimate);
        // every choice (n, best_of) is generated and billed: the expected output counts once per choice
        long expectedAll = PlanPrices.times(expected, choices);
        long tokens = Math.min(PlanPrices.CAP, input + expectedAll);
        long wantedMicroUsd = planPrices.worstCaseMicroUsd(input, expectedAll);
        long inputMicroUsd = planPrices.inputMicroUsd(input);
        long stepCost = planPrices.worstCaseMicroUsd(0, StreamAllowance.STEP_TOKENS);
        ex.estimatedInputTokens = input;
        ex.outputChoices = choices;
        ex.outputCap = estimate.hasMaxOutput() ? estimate.maxOutputTokens() : -1;
        AdmissionRequest request = AdmissionRequest.of(scopes, tokens, Math.min(input, tokens), wantedMicroUsd,
                inputMicroUsd).withMaxWait(limits.queue());
        return limiter.admit(request).compose(admission -> {
            putHeaders(ex, admission);
            if (!admission.admitted()) {
                return Future.failedFuture(AdmissionRefusals.of(admission, scopes, input, inputMicroUsd));
            }
            Reservation r = admission.reservation();
            ex.reservation = r;
            // a counter with less room than wanted granted what was left: that, not the wish, is what is held
            long heldTokens = Math.min(tokens, r.grantedTokens());
            long heldMicroUsd = Math.min(wantedMicroUsd, r.grantedMicroUsd());
            ex.reservedTokens = heldTokens;
            ex.reservedMicroUsd = planPrices.unpriced() == null ? heldMicroUsd : -1; // -1: no estimate of the cost
            if (ex.request.stream()) {
                long heldOutput = heldOutput(expectedAll, heldTokens - input, heldMicroUsd - inputMicroUsd,
                        wantedMicroUsd - inputMicroUsd);
                // the provider caps the output itself only when max_tokens bounds what is held
                boolean capped = estimate.hasMaxOutput() && estimate.maxOutputTokens() <= expected
                        && heldOutput >= expectedAll;
                ex.allowance = new StreamAllowance(r, heldOutput, capped, stepCost);
            }
            return Future.succeededFuture();
        });
    }

    /** The output tokens the held reservation covers: the expected output, less where a counter granted less. */
    static long heldOutput(long expectedAll, long tokensLeft, long microUsdLeft, long wantedOutputMicroUsd) {
        long out = Math.max(0, Math.min(expectedAll, tokensLeft));
        if (wantedOutputMicroUsd > 0 && microUsdLeft < wantedOutputMicroUsd) {
            out = Math.min(out, (long) (expectedAll * (Math.max(0, microUsdLeft) / (double) wantedOutputMicroUsd)));
        }
        return out;
    }

    /**
     * The output to reserve per choice: none for embeddings; else the smaller of the request's max_tokens and the
     * target's running estimate ({@code expected_output_tokens} before its first answer), at most default_max_tokens.
     */
    private long expectedOutput(Exchange ex, LimitsConfig limits, Target first, RequestEstimate estimate) {
        if (ex.request.operation() == Operation.EMBEDDINGS) {
            return 0;
        }
        long learned = outputs.expected(ScopeIds.target(first), limits.expectedOutputTokens(), limits.defaultMaxTokens());
        return estimate.hasMaxOutput() ? Math.min(estimate.maxOutputTokens(), learned) : learned;
    }

    private static void putHeaders(Exchange ex, Admission admission) {
        for (Map.Entry<String, String> h : admission.headers().entrySet()) {
            ex.client.putHeader(h.getKey(), h.getValue());
        }
    }

    /**
     * After the call: the real usage and cost replace the reservation; the cost is kept for the usage record. Once the
     * request reached the provider, only an answer saying nothing was generated (an error status) gives the money
     * back: a call the client abandoned, that timed out or broke, keeps its reservation as the charge, and the usage
     * record gets that estimate as its cost (with usage not reported).
     */
    void settle(Exchange ex) {
        if (ex.answeredBy != null && ex.target == null) {
            // a stage answered or refused the call itself: no provider worked, so no tokens or money are spent
            ex.costMicroUsd = ex.usage == null ? -1 : 0;
            if (ex.reservation != null) { // a replay may count its tokens (StageAnswer.Replay), never money
                boolean counts = ex.replay != null && ex.replay.countsTokens() && ex.usage != null;
                ex.reservation.reconcile(counts ? ex.usage.promptTokens() + ex.usage.completionTokens() : 0, 0);
            }
            return;
        }
        Usage usage = ex.usage;
        long cost = cost(ex);
        ex.costMicroUsd = cost;
        Reservation r = ex.reservation;
        if (r == null) {
            return; // nothing counted it: a gateway without limits does no estimating either
        }
        if (usage != null) {
            learn(ex, usage);
        }
        if (usage == null && ex.providerMayHaveWorked()) {
            if (ex.reservedMicroUsd >= 0) {
                ex.costMicroUsd = ex.reservedMicroUsd + (ex.allowance == null ? 0 : ex.allowance.extendedMicroUsd());
            }
            return; // what was spent is unknown: the reservation stands, never less than what may have been used
        }
        if (usage != null) {
            long tokens = usage.promptTokens() + usage.completionTokens();
            long micro = Math.max(cost, 0);
            if (ex.earlierWorkedAttempts > 0) { // an earlier attempt may have been billed too: keep at least the estimate
                tokens = Math.max(tokens, ex.reservedTokens);
                micro = Math.max(micro, ex.reservedMicroUsd);
            }
            r.reconcile(tokens, micro);
        } else {
            r.reconcile(0, 0); // nothing was generated: the request counts, its tokens and money do not
        }
    }

    /** The cost of the exchange's usage at its target's price in micro-USD, or -1 when unknown. */
    long cost(Exchange ex) {
        if (ex.usage == null || ex.target == null) {
            return -1;
        }
        if (ex.costedUsage == ex.usage) {
            return ex.costMicroUsd; // the cost header already priced this usage
        }
        Optional<Price> p = prices.find(ex.target.provider().name(), ex.target.upstreamModel());
        long cost = p.map(price -> CostCalculator.microUsd(price, ex.usage)).orElse(-1L);
        ex.costMicroUsd = cost;
        ex.costedUsage = ex.usage;
        return cost;
    }

    /** What a replayed answer saved: its usage at its maker's ({@code provider/model}) price, micro-USD; -1: unknown. */
    long savedMicroUsd(dev.switchboard.stage.StageAnswer.Replay replay, Usage usage) {
        int slash = replay.madeBy().indexOf('/');
        return usage == null || slash <= 0 ? -1 : prices.find(replay.madeBy().substring(0, slash),
                replay.madeBy().substring(slash + 1)).map(p -> CostCalculator.microUsd(p, usage)).orElse(-1L);
    }

    /** The config's per-model limits keyed by target, built once per config snapshot. */
    private ModelLimits modelLimits(Exchange ex) {
        ModelLimitsOf cached = modelLimits;
        if (cached == null || cached.snapshot() != ex.snapshot) {
            cached = new ModelLimitsOf(ex.snapshot, ModelLimits.of(
                    ex.snapshot.config().governance().limits().perModel(), ex.snapshot.router()));
            modelLimits = cached;
        }
        return cached.limits();
    }

    private record ModelLimitsOf(dev.switchboard.runtime.Snapshot snapshot, ModelLimits limits) {}

    /**
     * A whole answer's output per choice teaches its target's estimate. Streams cut short, failed answers and
     * embeddings say nothing about a model's usual output.
     */
    private void learn(Exchange ex, Usage usage) {
        if (ex.target == null || ex.status != 200 || !ex.errorType.isEmpty()
                || ex.request.operation() == Operation.EMBEDDINGS) {
            return;
        }
        long choices = Math.max(1, ex.outputChoices);
        long perChoice = (usage.completionTokens() + choices - 1) / choices;
        if (ex.outputCap >= 0 && perChoice >= ex.outputCap) {
            return; // cut by max_tokens: the model would have said more
        }
        outputs.observe(ScopeIds.target(ex.target), perChoice);
    }
}
