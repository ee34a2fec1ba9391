package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import dev.switchboard.store.ledger.UsageRow;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.store.repository.AccessRequest;
import dev.switchboard.store.repository.AuditEntry;
import dev.switchboard.store.repository.Budget;
import dev.switchboard.store.repository.CredentialRecord;
import dev.switchboard.store.repository.KeyRecord;
import dev.switchboard.store.repository.Limits;
import dev.switchboard.store.repository.TeamRecord;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Function;

/** Store records as API JSON. Only fields that are safe to show: never secrets, hashes or ciphertext. */
final class AdminViews {
    private AdminViews() {}

    static ObjectNode team(TeamRecord t) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", t.id());
        o.put("name", t.name());
        policy(o, t.policy());
        o.put("created_at", iso(t.createdAt()));
        return o;
    }

    static ObjectNode key(KeyRecord k) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", k.id());
        o.put("name", k.name());
        o.put("team_id", k.teamId());
        o.put("prefix", k.prefix());
        o.put("expires_at", iso(k.expiresAt()));
        policy(o, k.policy());
        o.put("revoked", k.revoked());
        o.put("revoked_at", iso(k.revokedAt()));
        o.put("active", k.isActive(Instant.now()));
        o.put("created_at", iso(k.createdAt()));
        return o;
    }

    static ObjectNode credential(CredentialRecord c) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", c.id());
        o.put("provider", c.provider());
        o.put("label", c.label());
        o.put("master_key_fingerprint", c.keyFingerprint());
        o.put("created_at", iso(c.createdAt()));
        return o;
    }

    static ObjectNode approval(AccessRequest r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", r.id());
        o.put("requester_kind", lower(r.requesterKind()));
        o.put("requester_id", r.requesterId());
        o.put("model", r.model());
        o.put("reason", r.reason());
        o.put("status", lower(r.status()));
        o.put("requested_at", iso(r.requestedAt()));
        o.put("decided_by", r.decidedBy());
        o.put("decided_at", iso(r.decidedAt()));
        o.put("note", r.note());
        return o;
    }

    static ObjectNode audit(AuditEntry e) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", e.id());
        o.put("at", iso(e.at()));
        o.put("actor", e.actor());
        o.put("action", e.action());
        o.put("target_kind", e.targetKind());
        o.put("target_id", e.targetId());
        o.set("details", details(e.detailsJson()));
        return o;
    }

    static ObjectNode usage(UsageRow r, String groupField) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        if (groupField != null) {
            o.put(groupField, r.group());
        }
        o.put("requests", r.requests());
        o.put("prompt_tokens", r.promptTokens());
        o.put("completion_tokens", r.completionTokens());
        o.put("cached_tokens", r.cachedTokens());
        o.put("reasoning_tokens", r.reasoningTokens());
        o.put("cost_usd", r.costUsd());
        o.put("estimated_requests", r.estimatedRequests()); // their token counts are the gateway's estimate
        o.put("cache_hits", r.cacheHits()); // answered from the response cache: no provider, no cost
        o.put("saved_usd", r.savedUsd()); // what those hits would have cost upstream
        return o;
    }

    static <T> ObjectNode list(Collection<T> items, Function<T, ObjectNode> view) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode data = o.putArray("data");
        items.forEach(i -> data.add(view.apply(i)));
        return o;
    }

    private static void policy(ObjectNode o, AccessPolicy p) {
        ArrayNode models = o.putArray("allowed_models");
        p.allowedModels().forEach(models::add);
        ObjectNode meta = o.putObject("metadata");
        p.metadata().forEach(meta::put);
        o.set("limits", limits(p.limits()));
        o.set("budget", budget(p.budget()));
    }

    private static ObjectNode limits(Limits l) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("requests_per_minute", l.requestsPerMinute());
        o.put("tokens_per_minute", l.tokensPerMinute());
        o.put("tokens_per_day", l.tokensPerDay());
        return o;
    }

    private static JsonNode budget(Budget b) {
        if (b == null) {
            return Json.MAPPER.nullNode();
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        // plain digits: the store may hold 100 as 1E+2
        o.put("usd", new java.math.BigDecimal(b.amountUsd().toPlainString()));
        o.put("period", lower(b.period()));
        return o;
    }

    private static JsonNode details(String json) {
        if (json == null || json.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            return Json.MAPPER.getNodeFactory().textNode(json);
        }
    }

    static String iso(Instant at) {
        return at == null ? null : at.toString();
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
