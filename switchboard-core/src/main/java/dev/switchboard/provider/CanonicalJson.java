package dev.switchboard.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import java.io.IOException;

/** Small pieces every native translator needs when reading the canonical form and writing canonical chunks. */
public final class CanonicalJson {
    private CanonicalJson() {}

    /** The canonical {@code stop} (a string or an array of strings) as an array, possibly empty; else a 400. */
    public static ArrayNode stopSequences(JsonNode stop) {
        ArrayNode seqs = Json.MAPPER.createArrayNode();
        if (stop == null || stop.isNull()) {
            return seqs;
        }
        if (stop.isTextual()) {
            seqs.add(stop.asText());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw notStrings();
                }
                seqs.add(s.asText());
            }
        } else {
            throw notStrings();
        }
        return seqs;
    }

    /** The fields every {@code chat.completion.chunk} starts with. */
    public static ObjectNode chunkHeader(String id, long created, String model) {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", created);
        c.put("model", model);
        return c;
    }

    /** A provider's stream event data as a JSON object; anything else means the stream is broken. */
    public static JsonNode eventObject(ProviderEndpoint provider, String data) {
        try {
            JsonNode n = Json.MAPPER.readTree(data);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (IOException e) {
            // fall through
        }
        throw new GatewayException(ErrorKind.UPSTREAM_STREAM_BROKEN,
                "Provider '" + provider.name() + "' sent a stream event that is not a JSON object.");
    }

    public static String text(ObjectNode n) {
        try {
            return Json.MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static GatewayException notStrings() {
        return GatewayException.param(ErrorKind.INVALID_PARAMETER, "stop", "'stop' must be a string or an array of strings.");
    }
}
