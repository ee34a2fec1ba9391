package dev.switchboard.config;

import dev.switchboard.cost.Price;
import java.util.List;
import java.util.Map;

/**
 * Who may call and how much: the store (null: config keys only, usage not persisted), the admin API (null: off),
 * Redis (null: counters in this process), JWT callers (null: off), network rules, limits and price overrides.
 */
public record GovernanceConfig(StoreConfig store, AdminConfig admin, RedisConfig redis, JwtConfig jwt,
                               IpRulesConfig network, List<String> trustedProxies, LimitsConfig limits,
                               Map<String, Price> prices) {
    public static final GovernanceConfig NONE = new GovernanceConfig(null, null, null, null, IpRulesConfig.NONE,
            List.of(), LimitsConfig.NONE, Map.of());
}
