package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;

/** Renders a failure in OpenAI's shape: {@code {"error":{"message","type","param","code"}}}. */
public final class OpenAiErrorEncoder {
    private OpenAiErrorEncoder() {}

    public static byte[] encode(GatewayException e) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", e.getMessage());
        error.put("type", e.kind().type());
        error.put("param", e.param());
        error.put("code", e.kind().code());
        try {
            return Json.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
