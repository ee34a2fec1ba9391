package dev.switchboard.store.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import dev.switchboard.usage.Usage;
import dev.switchboard.usage.UsageEvent;
import java.time.Instant;

/** One usage event as one line of JSON, for the spill journal (read back through UsageEvent, so sanitised). */
final class UsageEventJson {
    private UsageEventJson() {}

    static String toLine(UsageEvent e) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("at", e.at().toEpochMilli());
        n.put("request_id", e.requestId());
        n.put("key", e.keyName());
        n.put("team", e.team());
        n.put("operation", e.operation());
        n.put("model", e.publicModel());
        n.put("provider", e.provider());
        n.put("upstream_model", e.upstreamModel());
        n.put("stream", e.stream());
        n.put("status", e.status());
        Usage u = e.usage() == null ? Usage.NONE : e.usage();
        n.put("prompt", u.promptTokens());
        n.put("completion", u.completionTokens());
        n.put("total", u.totalTokens());
        n.put("cached", u.cachedTokens());
        n.put("reasoning", u.reasoningTokens());
        n.put("usage_reported", e.usageReported());
        if (e.usageEstimated()) {
            n.put("usage_estimated", true);
        }
        if (e.costKnown()) {
            n.put("cost_usd", e.costUsd());
        }
        if (e.cacheHit()) {
            n.put("cache_hit", true);
            if (e.savedKnown()) {
                n.put("saved_usd", e.savedUsd());
            }
        }
        n.put("duration_ms", e.durationMillis());
        n.put("ttft_ms", e.timeToFirstTokenMillis());
        if (e.clientRequestId() != null) {
            n.put("client_request_id", e.clientRequestId());
        }
        try {
            return Json.MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot encode usage event", ex);
        }
    }

    /** @throws JsonProcessingException when the line is damaged (e.g. cut short by a crash) */
    static UsageEvent fromLine(String line) throws JsonProcessingException {
        JsonNode n = Json.MAPPER.readTree(line);
        if (n == null || !n.hasNonNull("request_id")) {
            throw new JsonProcessingException("usage journal line without request_id") {};
        }
        Usage u = new Usage(n.path("prompt").asLong(), n.path("completion").asLong(), n.path("total").asLong(),
                n.path("cached").asLong(), n.path("reasoning").asLong());
        return new UsageEvent(Instant.ofEpochMilli(n.path("at").asLong()), n.path("request_id").asText(),
                text(n, "key"), text(n, "operation"), text(n, "model"), text(n, "provider"), text(n, "upstream_model"),
                n.path("stream").asBoolean(), n.path("status").asInt(), u, n.path("usage_reported").asBoolean(),
                n.path("duration_ms").asLong(), n.path("ttft_ms").asLong(-1), text(n, "team"),
                n.hasNonNull("cost_usd") ? n.path("cost_usd").asDouble() : UsageEvent.UNKNOWN_COST,
                text(n, "client_request_id"), n.path("usage_estimated").asBoolean(false),
                n.path("cache_hit").asBoolean(false), !n.path("cache_hit").asBoolean(false) ? 0
                        : n.hasNonNull("saved_usd") ? n.path("saved_usd").asDouble() : UsageEvent.UNKNOWN_COST);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
