package dev.switchboard.server;

import dev.switchboard.config.LimitsConfig;
import dev.switchboard.cost.CostCalculator;
import dev.switchboard.cost.Price;
import dev.switchboard.cost.PriceTable;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.limits.Admission;
import dev.switchboard.limits.AdmissionRequest;
import dev.switchboard.limits.LimitKind;
import dev.switchboard.limits.Limiter;
import dev.switchboard.limits.Refusal;
import dev.switchboard.limits.Reservation;
import dev.switchboard.limits.Scope;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.Target;
import dev.switchboard.tokens.EstimateWorkers;
import dev.switchboard.tokens.RequestEstimate;
import dev.switchboard.tokens.TokenEstimator;
import dev.switchboard.usage.Usage;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Admission before a model call, settlement after it. The request's scopes (its key, its team, the route, the target
 * model, the key and target together) are counted in one atomic step with the request's worst case reserved: input
 * tokens counted with a tokenizer plus {@code max_tokens} (or the configured default) times the number of choices at
 * the dearest target's output price. A budgeted request whose plan may reach an unpriced model is refused. After the
 * call the real usage replaces the reservation. A request with nothing to count costs no estimate and no counter call.
 */
final class AdmissionControl {
    private final Limiter limiter;
    private final EstimateWorkers estimator;
    private final PriceTable prices;
    /** Shared by the event loops; a race only builds the same immutable map twice. */
    private volatile ModelLimitsOf modelLimits;

    AdmissionControl(Limiter limiter, TokenEstimator estimator, PriceTable prices) {
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
            return reserve(ex, limits, scopes, planPrices, quick);
        }
        return estimator.offLoop(first.upstreamModel(), ex.request.raw())
                .compose(estimate -> reserve(ex, limits, scopes, planPrices, estimate));
    }

    private Future<Void> reserve(Exchange ex, LimitsConfig limits, List<Scope> scopes, PlanPrices planPrices,
                                 RequestEstimate estimate) {
        long maxOut = estimate.hasMaxOutput() ? estimate.maxOutputTokens() : limits.defaultMaxTokens();
        // every choice (n, best_of) is generated and billed: the output cap counts once per choice
        long maxOutAll = PlanPrices.times(maxOut, ChoiceCount.of(ex.request.raw()));
        long worstCase = planPrices.worstCaseMicroUsd(estimate.inputTokens(), maxOutAll);
        long stepCost = planPrices.worstCaseMicroUsd(0, StreamAllowance.STEP_TOKENS);
        long tokens = Math.min(PlanPrices.CAP, estimate.inputTokens() + maxOutAll);
        ex.estimatedInputTokens = estimate.inputTokens();
        AdmissionRequest request = AdmissionRequest.of(scopes, tokens, worstCase)
                .withMaxWait(limits.queue());
        return limiter.admit(request).compose(admission -> {
            for (Map.Entry<String, String> h : admission.headers().entrySet()) {
                ex.client.putHeader(h.getKey(), h.getValue());
            }
            if (!admission.admitted()) {
                return Future.failedFuture(refused(admission));
            }
            ex.reservation = admission.reservation();
            ex.reservedTokens = tokens;
            ex.reservedMicroUsd = planPrices.unpriced() == null ? worstCase : -1; // -1: no estimate of the cost
            if (ex.request.stream()) {
                ex.allowance = new StreamAllowance(ex.reservation, maxOutAll, stepCost);
            }
            return Future.succeededFuture();
        });
    }

    /**
     * After the call: the real usage and cost replace the reservation; the cost is kept for the usage record. Once the
     * request reached the provider, only an answer saying nothing was generated (an error status) gives the money
     * back: a call the client abandoned, that timed out or broke, keeps its reservation as the charge, and the usage
     * record gets that estimate as its cost (with usage not reported).
     */
    void settle(Exchange ex) {
        Usage usage = ex.usage;
        long cost = cost(ex);
        ex.costMicroUsd = cost;
        Reservation r = ex.reservation;
        if (r == null) {
            return;
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

    private static GatewayException refused(Admission admission) {
        Refusal refusal = admission.refusal().orElseThrow();
        String retryAfter = refusal.retryable() ? Long.toString(Math.max(1, refusal.retryAfterSeconds())) : null;
        String whose = ScopeIds.whose(refusal.scopeId()); // never the internal id
        return switch (refusal.kind()) {
            case BUDGET -> new GatewayException(ErrorKind.BUDGET_EXCEEDED, 429,
                    Character.toUpperCase(whose.charAt(0)) + whose.substring(1) + " budget is spent"
                            + (retryAfter == null ? " (or this request alone would exceed it)." : "; it renews in " + retryAfter + " s."),
                    null, retryAfter);
            case UNAVAILABLE -> new GatewayException(ErrorKind.LIMITS_UNAVAILABLE, 503,
                    "Limits cannot be checked right now (the counter store is unreachable); try again shortly.", null, "1");
            default -> new GatewayException(ErrorKind.RATE_LIMITED, 429, "Rate limit reached: " + whose + " limit of "
                    + describe(refusal.kind()) + (retryAfter == null ? " (the request alone exceeds it)."
                    : "; retry in " + retryAfter + " s."), null, retryAfter);
        };
    }

    private static String describe(LimitKind kind) {
        return switch (kind) {
            case REQUESTS_PER_MINUTE -> "requests per minute";
            case TOKENS_PER_MINUTE -> "tokens per minute";
            case TOKENS_PER_DAY -> "tokens per day";
            default -> kind.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
