package dev.switchboard.access;

import java.time.Instant;
import java.util.Map;

/**
 * A caller as the gateway knows it: a stable id for counters, a name for logs and usage, its team (or null),
 * metadata that routing rules may read, the models it and its team may use, both quotas, and its expiry (or
 * null). Never the key itself.
 */
public record ClientKey(String id, String name, String team, Map<String, String> metadata, ModelPolicy models,
                        Quota quota, ModelPolicy teamModels, Quota teamQuota, Instant expiresAt) {
    public ClientKey {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        models = models == null ? ModelPolicy.ALL : models;
        teamModels = teamModels == null ? ModelPolicy.ALL : teamModels;
        quota = quota == null ? Quota.NONE : quota;
        teamQuota = teamQuota == null ? Quota.NONE : teamQuota;
    }

    /** A caller with no quotas and no expiry (a plain config key, or a token's identity). */
    public ClientKey(String name, String team, Map<String, String> metadata, ModelPolicy models) {
        this("cfg:" + name, name, team, metadata, models, Quota.NONE, ModelPolicy.ALL, Quota.NONE, null);
    }

    public ClientKey(String name, ModelPolicy models) {
        this(name, null, Map.of(), models);
    }

    /** Both the key and its team allow the model. */
    public boolean mayUse(String model) {
        return models.allows(model) && teamModels.allows(model);
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
