package dev.switchboard.config;

import java.util.List;
import java.util.Map;

/**
 * A client key from the config file, held only as its SHA-256 hex digest.
 * {@code models} lists allowed public model names or patterns ({@code openai/*}); empty means all. The team is a
 * label for usage (or a store team's name, whose limits then apply too); limits, budget and IP rules are the key's own.
 */
public record KeyConfig(String name, String sha256, List<String> models, String team, Map<String, String> metadata,
                        RateLimitConfig limits, BudgetConfig budget, IpRulesConfig ip) {
    public KeyConfig(String name, String sha256, List<String> models) {
        this(name, sha256, models, null, Map.of(), RateLimitConfig.NONE, null, IpRulesConfig.NONE);
    }
}
