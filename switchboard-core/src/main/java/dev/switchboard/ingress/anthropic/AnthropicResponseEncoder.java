package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import java.io.IOException;

/**
 * A canonical chat.completion as an Anthropic message: thinking blocks (from the {@code thinking_blocks}
 * extension, which keeps their signatures), then the text, then one tool_use block per tool call with its
 * arguments parsed back into {@code input}. Only the first choice is used: Anthropic has no {@code n}.
 */
public final class AnthropicResponseEncoder {
    private AnthropicResponseEncoder() {}

    public static byte[] encode(byte[] canonical, String requestedModel) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(canonical);
        } catch (IOException e) {
            throw new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, "The provider's answer could not be read.");
        }
        try {
            return Json.MAPPER.writeValueAsBytes(encode(root, requestedModel));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode encode(JsonNode completion, String requestedModel) {
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", messageId(completion.path("id").asText("")));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", completion.path("model").asText(requestedModel));
        ArrayNode content = out.putArray("content");
        for (JsonNode t : message.path("thinking_blocks")) {
            content.add(t.deepCopy());
        }
        String text = message.path("content").asText("");
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode block = content.addObject();
            block.put("type", "tool_use");
            block.put("id", call.path("id").asText(""));
            block.put("name", call.path("function").path("name").asText(""));
            block.set("input", arguments(call.path("function").path("arguments").asText("")));
        }
        out.put("stop_reason", AnthropicStopReason.fromFinishReason(choice.path("finish_reason").asText(null)));
        out.putNull("stop_sequence");
        out.set("usage", AnthropicUsageEncoder.encode(completion.get("usage")));
        return out;
    }

    /** Anthropic ids start with {@code msg_}; a canonical id is kept after that prefix so logs still match. */
    static String messageId(String id) {
        if (id.startsWith("msg_")) {
            return id;
        }
        return "msg_" + (id.isEmpty() ? Long.toHexString(System.nanoTime()) : id);
    }

    /** Tool arguments as an object; arguments a model got wrong are kept under {@code _raw} rather than lost. */
    static JsonNode arguments(String json) {
        if (json.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(json);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (IOException e) {
            // fall through
        }
        return Json.MAPPER.createObjectNode().put("_raw", json);
    }
}
