package dev.switchboard.server;

import dev.switchboard.server.engine.LogText;
import dev.switchboard.server.call.Exchange;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.access.ClientKey;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.anthropic.AnthropicIngress;
import dev.switchboard.json.Json;
import dev.switchboard.routing.Router;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: the models this key may use, in the caller's dialect.
 * An Anthropic caller (one that sends {@code anthropic-version}, as Anthropic's SDKs always do) gets Anthropic's
 * paginated shape ({@link AnthropicModelList}); everyone else gets OpenAI's list, which has no pagination.
 */
final class ModelsHandler {
    /** Unknown release dates: one fixed instant, in OpenAI's seconds and Anthropic's RFC 3339 alike. */
    static final long CREATED = 1_700_000_000L;
    /** A client-chosen id is quoted in error messages at most this long. */
    private static final int QUOTED_ID_CHARS = 200;

    private ModelsHandler() {}

    /** The dialect of a models call: Anthropic's when the caller names an Anthropic API version. */
    static void pickDialect(Exchange ex) {
        if (ex.client().header("anthropic-version") != null) {
            ex.dialect(AnthropicIngress.INSTANCE);
        }
    }

    static void list(Exchange ex, Router router, ClientKey key, String rawQuery, HttpServerResponse response) {
        List<String> ids = visible(router, key);
        if (ex.dialect() == AnthropicIngress.INSTANCE) {
            write(response, AnthropicModelList.page(ids, AnthropicModelList.Query.of(rawQuery)));
            return;
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String id : ids) {
            data.add(openAiModel(id));
        }
        write(response, root);
    }

    static void one(Exchange ex, Router router, ClientKey key, String id, HttpServerResponse response) {
        if (!visible(router, key).contains(id)) {
            throw GatewayException.param(ErrorKind.MODEL_NOT_FOUND, "model", "The model '" + quoted(id) + "' does not exist.");
        }
        write(response, ex.dialect() == AnthropicIngress.INSTANCE ? AnthropicModelList.model(id) : openAiModel(id));
    }

    /**
     * Each model once: a provider's model list may name one twice (the config allows it), and a repeated id would
     * make an {@code after_id} cursor step back to its first place, so that a paging client never reaches the end.
     */
    private static List<String> visible(Router router, ClientKey key) {
        return router.advertised().stream().distinct().filter(key::mayUse).toList();
    }

    private static ObjectNode openAiModel(String id) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", CREATED);
        int slash = id.indexOf('/');
        m.put("owned_by", slash > 0 ? id.substring(0, slash) : "switchboard");
        return m;
    }

    /** A client-chosen id as error messages quote it: bounded, control characters escaped (CR, LF, NUL...). */
    static String quoted(String id) {
        return LogText.clean(id, QUOTED_ID_CHARS);
    }

    private static void write(HttpServerResponse response, ObjectNode body) {
        try {
            response.putHeader("content-type", "application/json").end(Buffer.buffer(Json.MAPPER.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
