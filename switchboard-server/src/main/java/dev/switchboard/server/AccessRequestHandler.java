package dev.switchboard.server;

import dev.switchboard.server.call.Exchange;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.store.Store;
import dev.switchboard.store.repository.AccessRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import dev.switchboard.server.admission.AccessRequestLimit;

/**
 * {@code POST /v1/access-requests} {@code {"model": "...", "reason": "..."}}: a store key asks for a model it may not
 * use yet (or for its team with {@code "for": "team"}); an admin approves or rejects it through the admin API.
 * Answers 202 with the request's id and status; asking again for the same model while a request is pending answers
 * that request. Bounded against spam: {@value AccessRequestLimit#PER_WINDOW} per key per hour (429 with
 * retry-after), a reason of at most {@value #MAX_REASON_CHARS} characters and a body of at most
 * {@value #MAX_BODY_BYTES} bytes. The store write runs on a worker thread.
 */
final class AccessRequestHandler {
    static final int MAX_BODY_BYTES = 16 * 1024;
    static final int MAX_REASON_CHARS = 2048;
    static final int MAX_MODEL_CHARS = 256;

    private AccessRequestHandler() {}

    static Future<byte[]> submit(Vertx vertx, Store store, AccessRequestLimit limit, Exchange ex, Buffer body) {
        if (store == null) {
            throw new GatewayException(ErrorKind.NOT_FOUND, "Access requests need the store (configure 'store').");
        }
        if (ex.key().id().startsWith("cfg:") || ex.key().id().startsWith("jwt:")) {
            throw new GatewayException(ErrorKind.INVALID_REQUEST,
                    "Only keys from the store can request access; config-file and token callers are configured by their owners.");
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body.getBytes());
        } catch (Exception e) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON, "The request body is not valid JSON.");
        }
        String model = json == null ? null : json.path("model").asText(null);
        if (model == null || model.isBlank()) {
            throw GatewayException.param(ErrorKind.MISSING_PARAMETER, "model", "Name the model you ask access to.");
        }
        if (model.length() > MAX_MODEL_CHARS) {
            throw GatewayException.param(ErrorKind.INVALID_PARAMETER, "model",
                    "The model name is longer than " + MAX_MODEL_CHARS + " characters.");
        }
        String reason = json.path("reason").asText("");
        if (reason.length() > MAX_REASON_CHARS) {
            throw GatewayException.param(ErrorKind.INVALID_PARAMETER, "reason",
                    "The reason is longer than " + MAX_REASON_CHARS + " characters.");
        }
        boolean forTeam = "team".equals(json.path("for").asText("key"));
        if (forTeam && ex.key().team() == null) {
            throw GatewayException.param(ErrorKind.INVALID_PARAMETER, "for", "This key belongs to no team.");
        }
        long wait = limit.take(ex.key().id(), System.currentTimeMillis());
        if (wait > 0) {
            throw new GatewayException(ErrorKind.RATE_LIMITED, 429, "Too many access requests from this key: at most "
                    + AccessRequestLimit.PER_WINDOW + " per hour. Try again later.", null, Long.toString(wait));
        }
        String teamName = ex.key().team();
        return vertx.executeBlocking(() -> {
            AccessRequest r = forTeam
                    ? store.approvals().request(AccessRequest.RequesterKind.TEAM,
                            store.teams().findByName(teamName).orElseThrow().id(), model, reason)
                    : store.approvals().request(AccessRequest.RequesterKind.KEY, ex.key().id(), model, reason);
            return Json.MAPPER.createObjectNode().put("id", r.id()).put("status", r.status().name().toLowerCase())
                    .put("model", r.model()).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }, false);
    }
}
