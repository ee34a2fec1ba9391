package dev.switchboard.server;

import dev.switchboard.access.ClientKey;
import dev.switchboard.config.BudgetConfig;
import dev.switchboard.config.LimitsConfig;
import dev.switchboard.config.RateLimitConfig;
import dev.switchboard.cost.CostCalculator;
import dev.switchboard.cost.Price;
import dev.switchboard.cost.PriceTable;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.limits.Admission;
import dev.switchboard.limits.AdmissionRequest;
import dev.switchboard.limits.Budget;
import dev.switchboard.limits.LimitKind;
import dev.switchboard.limits.Limiter;
import dev.switchboard.limits.RateLimit;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Admission before a model call, settlement after it. The request's scopes (its key, its team, the model, the key
 * and model together) are counted in one atomic step with the request's worst case reserved: input tokens counted
 * with a tokenizer plus {@code max_tokens} (or the configured default) at the output price. After the call the
 * real usage replaces the reservation. A request with nothing to count costs no estimate and no counter call.
 */
final class AdmissionControl {
    private final Limiter limiter;
    private final EstimateWorkers estimator;
    private final PriceTable prices;

    AdmissionControl(Limiter limiter, TokenEstimator estimator, PriceTable prices) {
        this.limiter = limiter;
        this.estimator = new EstimateWorkers(estimator);
        this.prices = prices;
    }

    /** Completes when the request may go ahead (the reservation is on the exchange), or fails with a 429/503. */
    Future<Void> admit(Exchange ex, RoutePlan plan) {
        LimitsConfig limits = ex.snapshot.config().governance().limits();
        ClientKey key = ex.key;
        String model = ex.request.model();
        List<Scope> scopes = new ArrayList<>(4);
        RateLimitConfig keyLimits = key.quota().limits().isEmpty() ? limits.keyDefault() : key.quota().limits();
        add(scopes, "key:" + key.id(), keyLimits, key.quota().budget());
        if (key.team() != null) {
            add(scopes, "team:" + key.team(), key.teamQuota().limits(), key.teamQuota().budget());
        }
        RateLimitConfig perModel = limits.perModel().get(model);
        if (perModel != null) {
            add(scopes, "model:" + model, perModel, null);
        }
        add(scopes, "key:" + key.id() + "|model:" + model, limits.perKeyAndModel(), null);
        if (scopes.isEmpty()) {
            return Future.succeededFuture();
        }
        Target first = plan.targets().get(0).target();
        // tokenising grows with the prompt: small bodies inline, larger ones on the estimate workers (H8)
        RequestEstimate quick = estimator.inline(first.upstreamModel(), ex.request.raw());
        if (quick != null) {
            return reserve(ex, plan, limits, scopes, quick);
        }
        return estimator.offLoop(first.upstreamModel(), ex.request.raw())
                .compose(estimate -> reserve(ex, plan, limits, scopes, estimate));
    }

    private Future<Void> reserve(Exchange ex, RoutePlan plan, LimitsConfig limits, List<Scope> scopes,
                                 RequestEstimate estimate) {
        long maxOut = estimate.hasMaxOutput() ? estimate.maxOutputTokens() : limits.defaultMaxTokens();
        long worstCase = 0;
        long step = 0;
        for (var t : plan.targets()) { // the dearest target the plan may reach
            Optional<Price> p = prices.find(t.target().provider().name(), t.target().upstreamModel());
            if (p.isPresent()) {
                worstCase = Math.max(worstCase, CostCalculator.worstCaseMicroUsd(p.get(), estimate.inputTokens(), maxOut));
                step = Math.max(step, CostCalculator.worstCaseMicroUsd(p.get(), 0, StreamAllowance.STEP_TOKENS));
            }
        }
        long stepCost = step;
        ex.estimatedInputTokens = estimate.inputTokens();
        AdmissionRequest request = AdmissionRequest.of(scopes, estimate.inputTokens() + maxOut, worstCase)
                .withMaxWait(limits.queue());
        return limiter.admit(request).compose(admission -> {
            for (Map.Entry<String, String> h : admission.headers().entrySet()) {
                ex.client.putHeader(h.getKey(), h.getValue());
            }
            if (!admission.admitted()) {
                return Future.failedFuture(refused(admission));
            }
            ex.reservation = admission.reservation();
            if (ex.request.stream()) {
                ex.allowance = new StreamAllowance(ex.reservation, maxOut, stepCost);
            }
            return Future.succeededFuture();
        });
    }

    /** After the call: the real usage and cost replace the reservation; the cost is kept for the usage record. */
    void settle(Exchange ex) {
        Usage usage = ex.usage;
        long cost = cost(ex);
        ex.costMicroUsd = cost;
        Reservation r = ex.reservation;
        if (r == null) {
            return;
        }
        if (usage != null) {
            r.reconcile(usage.promptTokens() + usage.completionTokens(), Math.max(cost, 0));
        } else if (ex.firstTokenNanos >= 0) {
            // output went out but no usage came back (client left, stream broke): what was spent is unknown, so
            // the reservation stands as the charge, never less than what may have been used
            return;
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

    private static void add(List<Scope> scopes, String id, RateLimitConfig limits, BudgetConfig budget) {
        if (limits.isEmpty() && budget == null) {
            return;
        }
        scopes.add(new Scope(id, limits.isEmpty() ? null
                : new RateLimit(limits.requestsPerMinute(), limits.tokensPerMinute(), limits.tokensPerDay()),
                budget == null ? null : Budget.usd(budget.usd(), Budget.Period.valueOf(budget.period().name()))));
    }

    private static GatewayException refused(Admission admission) {
        Refusal refusal = admission.refusal().orElseThrow();
        String retryAfter = refusal.retryable() ? Long.toString(Math.max(1, refusal.retryAfterSeconds())) : null;
        String scope = refusal.scopeId();
        return switch (refusal.kind()) {
            case BUDGET -> new GatewayException(ErrorKind.BUDGET_EXCEEDED, 429,
                    "The budget of " + scope + " is spent" + (retryAfter == null ? "." : "; it renews in " + retryAfter + " s."),
                    null, retryAfter);
            case UNAVAILABLE -> new GatewayException(ErrorKind.LIMITS_UNAVAILABLE, 503,
                    "Limits cannot be checked right now (the counter store is unreachable); try again shortly.", null, "1");
            default -> new GatewayException(ErrorKind.RATE_LIMITED, 429, "Rate limit reached for " + scope + " ("
                    + describe(refusal.kind()) + ")" + (retryAfter == null ? ": the request alone exceeds it."
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
