package dev.switchboard.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.store.repository.Budget;
import dev.switchboard.store.repository.Limits;
import java.util.List;
import java.util.Map;

/** Reads the policy fields shared by teams and keys, for create (from nothing) and PATCH (over the current one). */
final class PolicyInput {
    static final List<String> FIELDS = List.of("allowed_models", "metadata", "limits", "budget");

    private PolicyInput() {}

    /** Fields present in the body replace the current ones; {@code "budget": null} removes the budget. */
    static AccessPolicy merge(AccessPolicy current, ObjectNode body) {
        AccessPolicy p = current;
        List<String> models = AdminInput.stringList(body, "allowed_models");
        if (models != null) {
            p = p.withAllowedModels(models);
        }
        Map<String, String> metadata = AdminInput.stringMap(body, "metadata");
        if (metadata != null) {
            p = p.withMetadata(metadata);
        }
        Limits limits = AdminInput.limits(body, "limits");
        if (limits != null) {
            p = p.withLimits(limits);
        } else if (AdminInput.isExplicitNull(body, "limits")) {
            p = p.withLimits(Limits.NONE);
        }
        Budget budget = AdminInput.budget(body, "budget");
        if (budget != null || AdminInput.isExplicitNull(body, "budget")) {
            p = p.withBudget(budget);
        }
        return p;
    }
}
