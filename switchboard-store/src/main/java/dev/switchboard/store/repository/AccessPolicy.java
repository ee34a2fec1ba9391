package dev.switchboard.store.repository;

import java.util.List;
import java.util.Map;

/**
 * What a team or a key may do: models (empty = all), free-form metadata, rate limits and budget (null = none).
 */
public record AccessPolicy(List<String> allowedModels, Map<String, String> metadata, Limits limits, Budget budget) {
    public static final AccessPolicy OPEN = new AccessPolicy(List.of(), Map.of(), Limits.NONE, null);

    public AccessPolicy {
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        limits = limits == null ? Limits.NONE : limits;
    }

    public AccessPolicy withAllowedModels(List<String> models) {
        return new AccessPolicy(models, metadata, limits, budget);
    }

    public AccessPolicy withMetadata(Map<String, String> value) {
        return new AccessPolicy(allowedModels, value, limits, budget);
    }

    public AccessPolicy withLimits(Limits value) {
        return new AccessPolicy(allowedModels, metadata, value, budget);
    }

    public AccessPolicy withBudget(Budget value) {
        return new AccessPolicy(allowedModels, metadata, limits, value);
    }

    /** True when the model is allowed (an empty list allows all). */
    public boolean allows(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }
}
