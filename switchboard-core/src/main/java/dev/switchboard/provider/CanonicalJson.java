package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import java.io.IOException;

/** Small pieces every native translator needs when reading the canonical form and a provider's stream events. */
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

    private static GatewayException notStrings() {
        return GatewayException.param(ErrorKind.INVALID_PARAMETER, "stop", "'stop' must be a string or an array of strings.");
    }
}
