package dev.switchboard.access;

import dev.switchboard.config.BudgetConfig;
import dev.switchboard.config.IpRulesConfig;
import dev.switchboard.config.RateLimitConfig;

/** What one key or team may spend and from where: rate limits, a budget (or null) and IP rules. */
public record Quota(RateLimitConfig limits, BudgetConfig budget, IpRulesConfig ip) {
    public static final Quota NONE = new Quota(RateLimitConfig.NONE, null, IpRulesConfig.NONE);

    public Quota {
        limits = limits == null ? RateLimitConfig.NONE : limits;
        ip = ip == null ? IpRulesConfig.NONE : ip;
    }

    /** Whether admission has anything to count for this scope. */
    public boolean counted() {
        return !limits.isEmpty() || budget != null;
    }
}
