package dev.switchboard.server.admission;

import dev.switchboard.access.ClientKey;
import dev.switchboard.config.BudgetConfig;
import dev.switchboard.config.LimitsConfig;
import dev.switchboard.config.RateLimitConfig;
import dev.switchboard.limits.Budget;
import dev.switchboard.limits.RateLimit;
import dev.switchboard.limits.Scope;
import dev.switchboard.routing.RoutePlan;
import java.util.ArrayList;
import java.util.List;

/**
 * The scopes one request is counted in: its key, its team, the route, the target model and the key on the target.
 * Model scopes follow the target the request goes to first (see {@link ScopeIds}), whatever the caller called it.
 * Only the caller's own scopes (key, key on model) are reported in the {@code x-ratelimit-*} headers.
 */
public final class AdmissionScopes {
    private AdmissionScopes() {
    }

    public static List<Scope> of(ClientKey key, RoutePlan plan, LimitsConfig limits, ModelLimits modelLimits) {
        List<Scope> scopes = new ArrayList<>(5);
        RateLimitConfig keyLimits = key.quota().limits().isEmpty() ? limits.keyDefault() : key.quota().limits();
        add(scopes, ScopeIds.key(key.id()), keyLimits, key.quota().budget(), true);
        if (key.team() != null) {
            add(scopes, ScopeIds.team(key.team()), key.teamQuota().limits(), key.teamQuota().budget(), false);
        }
        RateLimitConfig perRoute = plan.route() == null ? null : modelLimits.forRoute(plan.route());
        if (perRoute != null) {
            add(scopes, ScopeIds.route(plan.route()), perRoute, null, false);
        }
        if (!modelLimits.isEmpty() || !limits.perKeyAndModel().isEmpty()) {
            String target = ScopeIds.target(plan.targets().get(0).target());
            RateLimitConfig perModel = modelLimits.forTarget(target);
            if (perModel != null) {
                add(scopes, ScopeIds.model(target), perModel, null, false);
            }
            add(scopes, ScopeIds.keyAndModel(key.id(), target), limits.perKeyAndModel(), null, true);
        }
        return scopes;
    }

    /** Whether any scope has a budget: the request must then be priced. */
    public static boolean budgeted(List<Scope> scopes) {
        for (Scope s : scopes) {
            if (s.budget() != null) {
                return true;
            }
        }
        return false;
    }

    /** @param reported whether the caller may see the scope in the x-ratelimit-* headers (its own, not shared) */
    private static void add(List<Scope> scopes, String id, RateLimitConfig limits, BudgetConfig budget, boolean reported) {
        if (limits.isEmpty() && budget == null) {
            return;
        }
        scopes.add(new Scope(id, limits.isEmpty() ? null
                : new RateLimit(limits.requestsPerMinute(), limits.tokensPerMinute(), limits.tokensPerDay()),
                budget == null ? null : Budget.usd(budget.usd(), Budget.Period.valueOf(budget.period().name())), reported));
    }
}
