package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.cache.stage.GatewayCaches;
import dev.switchboard.cache.store.CachePurge;
import dev.switchboard.cache.store.CacheStats;
import dev.switchboard.json.Json;
import dev.switchboard.store.Store;
import io.vertx.core.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The response cache of this gateway: {@code GET /admin/cache} (each cache stage's hits, misses and bypasses, each
 * store's counts) and {@code POST /admin/cache/purge} with exactly one of {@code model}, {@code key} (a key's id as
 * {@code /admin/keys} lists it, or {@code cfg:<name>} for a config key), {@code team}, {@code shared: true} or
 * {@code all: true}. Purging a Redis store purges it for every instance. Names are taken as exact values, never as
 * patterns (a store purges a tenant's or model's own index), and are checked: at most 256 characters, no control
 * characters. Every purge is audited.
 */
final class CacheApi {
    static final int MAX_NAME = 256;
    private static final Set<String> PURGE_FIELDS = Set.of("model", "key", "team", "shared", "all");
    /** A Redis purge walks its entries in batches; long enough for millions, bounded so a hung store frees the worker. */
    private static final long PURGE_TIMEOUT_SECONDS = 120;

    private final GatewayCaches caches;
    private final Store store;

    CacheApi(GatewayCaches caches, Store store) {
        this.caches = caches;
        this.store = store;
    }

    void register(AdminRoutes routes) {
        routes.add(HttpMethod.GET, "cache", this::stats).add(HttpMethod.POST, "cache/purge", this::purge);
    }

    private AdminReply stats(AdminCall call) {
        GatewayCaches.CacheReport report = caches.report();
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode stages = o.putArray("stages");
        report.stages().forEach((name, c) -> {
            ObjectNode s = stages.addObject();
            s.put("stage", name);
            s.put("hits", c.hits());
            s.put("misses", c.misses());
            s.put("bypasses", c.bypasses());
            long looked = c.hits() + c.misses();
            s.put("hit_ratio", looked == 0 ? 0 : (double) c.hits() / looked);
        });
        ArrayNode stores = o.putArray("stores");
        for (GatewayCaches.CacheReport.StoreCounts sc : report.stores()) {
            CacheStats st = sc.stats();
            ObjectNode s = stores.addObject();
            s.put("store", sc.name());
            s.put("backend", sc.backend());
            if (st.entries() >= 0) {
                s.put("entries", st.entries());
            }
            s.put(sc.backend().equals("memory") ? "bytes" : "bytes_written", st.bytes());
            s.put("hits", st.hits());
            s.put("misses", st.misses());
            s.put("writes", st.stores());
            s.put("too_large", st.tooLarge());
            s.put("evictions", st.evictions());
            s.put("expiries", st.expiries());
            s.put("failures", st.failures());
            s.put("corrupted", st.corrupted());
        }
        return AdminReply.ok(o);
    }

    private AdminReply purge(AdminCall call) {
        ObjectNode body = AdminInput.object(call.body(), PURGE_FIELDS);
        if (body.size() != 1) {
            throw AdminException.badRequest("Give exactly one of model, key, team, shared: true or all: true.");
        }
        String field = body.fieldNames().next();
        CachePurge scope;
        String target;
        switch (field) {
            case "model" -> {
                target = name(body, field);
                scope = CachePurge.model(target);
            }
            case "key" -> {
                target = name(body, field);
                scope = CachePurge.namespace("key:" + target);
            }
            case "team" -> {
                target = name(body, field);
                scope = CachePurge.namespace("team:" + target);
            }
            case "shared" -> {
                yes(body, field);
                target = "shared";
                scope = CachePurge.namespace("shared");
            }
            default -> {
                yes(body, field);
                target = "*";
                scope = CachePurge.all();
            }
        }
        long removed;
        try {
            removed = caches.purge(scope).toCompletionStage().toCompletableFuture().get(PURGE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("by", field);
        details.put("removed", removed);
        store.audit().record(call.actor(), "cache.purge", "cache", target, details);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("purged", field);
        if (!field.equals("all") && !field.equals("shared")) {
            o.put(field, target);
        }
        o.put("removed", removed);
        return AdminReply.ok(o);
    }

    /** A client-chosen name, taken literally: bounded and printable, so it is safe as a store key and in the audit log. */
    private static String name(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            throw AdminException.badRequest("'" + field + "' must be a non-empty string.");
        }
        String v = n.asText();
        if (v.length() > MAX_NAME) {
            throw AdminException.badRequest("'" + field + "' is longer than " + MAX_NAME + " characters.");
        }
        if (v.chars().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)) {
            throw AdminException.badRequest("'" + field + "' must not contain control characters.");
        }
        return v;
    }

    private static void yes(ObjectNode body, String field) {
        if (!body.get(field).isBoolean() || !body.get(field).asBoolean()) {
            throw AdminException.badRequest("'" + field + "' must be true.");
        }
    }

    private static AdminException unavailable() {
        return AdminException.unavailable(
                "The cache store did not finish the purge; it may have removed part of the entries. Try again.");
    }
}
