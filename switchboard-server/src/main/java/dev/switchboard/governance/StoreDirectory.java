package dev.switchboard.governance;

import dev.switchboard.access.ClientKey;
import dev.switchboard.access.ModelPolicy;
import dev.switchboard.access.Quota;
import dev.switchboard.config.BudgetConfig;
import dev.switchboard.config.IpRulesConfig;
import dev.switchboard.config.RateLimitConfig;
import dev.switchboard.secret.Secret;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.store.repository.Budget;
import dev.switchboard.store.repository.KeyRecord;
import dev.switchboard.store.repository.Limits;
import dev.switchboard.store.repository.TeamRecord;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory copy of the store's active keys (by SHA-256 of the secret), teams and decrypted upstream
 * credentials, so authenticating a request needs no database round trip. Immutable; replaced whole when the
 * store's revision moves. IP rules of store keys and teams live in their metadata as {@code ip_allow} and
 * {@code ip_deny} (comma-separated CIDRs).
 */
public record StoreDirectory(long revision, Map<String, ClientKey> keysByDigest, Map<String, Team> teamsByName,
                             Map<String, Secret> credentials) {
    public static final StoreDirectory EMPTY = new StoreDirectory(-1, Map.of(), Map.of(), Map.of());

    /** A team's access rules as keys inherit them. */
    public record Team(String name, ModelPolicy models, Quota quota) {}

    public static StoreDirectory of(long revision, List<KeyRecord> keys, List<TeamRecord> teams, Map<String, Secret> credentials) {
        Map<String, Team> byId = new HashMap<>();
        Map<String, Team> byName = new HashMap<>();
        for (TeamRecord t : teams) {
            Team team = new Team(t.name(), new ModelPolicy(t.policy().allowedModels()), quota(t.policy()));
            byId.put(t.id(), team);
            byName.put(t.name(), team);
        }
        Map<String, ClientKey> byDigest = new HashMap<>();
        for (KeyRecord k : keys) {
            Team team = k.teamId() == null ? null : byId.get(k.teamId());
            byDigest.put(k.secretSha256(), new ClientKey(k.id(), k.name(), team == null ? null : team.name(),
                    k.policy().metadata(), new ModelPolicy(k.policy().allowedModels()), quota(k.policy()),
                    team == null ? ModelPolicy.ALL : team.models(), team == null ? Quota.NONE : team.quota(), k.expiresAt()));
        }
        return new StoreDirectory(revision, Map.copyOf(byDigest), Map.copyOf(byName), Map.copyOf(credentials));
    }

    static Quota quota(AccessPolicy p) {
        Limits l = p.limits();
        RateLimitConfig limits = l == null ? RateLimitConfig.NONE
                : new RateLimitConfig(l.requestsPerMinute(), l.tokensPerMinute(), l.tokensPerDay());
        Budget b = p.budget();
        BudgetConfig budget = b == null ? null
                : new BudgetConfig(b.amountUsd().doubleValue(), BudgetConfig.Period.valueOf(b.period().name()));
        return new Quota(limits, budget, new IpRulesConfig(cidrs(p.metadata().get("ip_allow")), cidrs(p.metadata().get("ip_deny"))));
    }

    private static List<String> cidrs(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
