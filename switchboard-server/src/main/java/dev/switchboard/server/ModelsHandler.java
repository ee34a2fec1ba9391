package dev.switchboard.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.access.ClientKey;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.routing.Router;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}}: the models this key may use, in OpenAI's list shape. */
final class ModelsHandler {
    private static final long CREATED = 1_700_000_000L;

    private ModelsHandler() {}

    static void list(Router router, ClientKey key, HttpServerResponse response) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String id : visible(router, key)) {
            data.add(model(id));
        }
        write(response, root);
    }

    static void one(Router router, ClientKey key, String id, HttpServerResponse response) {
        if (!visible(router, key).contains(id)) {
            throw GatewayException.param(ErrorKind.MODEL_NOT_FOUND, "model", "The model '" + id + "' does not exist.");
        }
        write(response, model(id));
    }

    private static List<String> visible(Router router, ClientKey key) {
        return router.advertised().stream().filter(key::mayUse).toList();
    }

    private static ObjectNode model(String id) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", CREATED);
        int slash = id.indexOf('/');
        m.put("owned_by", slash > 0 ? id.substring(0, slash) : "switchboard");
        return m;
    }

    private static void write(HttpServerResponse response, ObjectNode body) {
        try {
            response.putHeader("content-type", "application/json").end(Buffer.buffer(Json.MAPPER.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
