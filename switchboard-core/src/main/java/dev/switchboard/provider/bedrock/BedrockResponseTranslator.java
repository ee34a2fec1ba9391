package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.usage.Usage;
import java.io.IOException;
import java.util.UUID;

/**
 * A Converse response ({@code output.message.content} blocks, {@code stopReason}, {@code usage}) → one canonical
 * {@code chat.completion}: text blocks joined as content, reasoning text as reasoning_content, toolUse blocks as
 * tool_calls (arguments serialised), read with the request's {@link BedrockAnswerRules} (structured output, whose
 * JSON tool input is then the whole content; parallel_tool_calls false). Converse answers carry no id or model: the
 * id is derived from the body, the model is the upstream model id the request was sent for. Pure.
 */
public final class BedrockResponseTranslator {
    public record Translated(byte[] bytes, Usage usage) {}

    private BedrockResponseTranslator() {}

    public static Translated toOpenAi(byte[] body, String model, long created) {
        return toOpenAi(body, BedrockAnswerRules.plain(model), created);
    }

    public static Translated toOpenAi(byte[] body, BedrockAnswerRules rules, long created) {
        JsonNode root = parse(body);
        JsonNode message = root.path("output").path("message");
        StringBuilder text = new StringBuilder();
        String json = null; // the forced JSON tool's input: the whole content when present, text beside it is dropped
        StringBuilder reasoning = new StringBuilder();
        ArrayNode calls = Json.MAPPER.createArrayNode();
        for (JsonNode block : message.path("content")) {
            if (block.path("text").isTextual()) {
                text.append(block.get("text").asText());
            } else if (block.has("toolUse")) {
                JsonNode use = block.get("toolUse");
                String arguments = use.path("input").isMissingNode() ? "{}" : use.get("input").toString();
                if (rules.isStructured(use.path("name").asText())) {
                    if (json == null) { // one JSON object is the answer; a repeat would make the content invalid
                        json = arguments;
                    }
                    continue;
                }
                if (rules.singleToolCall() && !calls.isEmpty()) {
                    continue; // parallel_tool_calls: false, which Converse cannot be told
                }
                ObjectNode call = calls.addObject();
                call.put("id", use.path("toolUseId").asText());
                call.put("type", "function");
                ObjectNode fn = call.putObject("function");
                fn.put("name", use.path("name").asText());
                fn.put("arguments", arguments);
            } else if (block.path("reasoningContent").path("reasoningText").path("text").isTextual()) {
                reasoning.append(block.path("reasoningContent").path("reasoningText").path("text").asText());
            }
        }
        String model = rules.model();
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", "chatcmpl-" + UUID.nameUUIDFromBytes(body));
        out.put("object", "chat.completion");
        out.put("created", created);
        out.put("model", model);
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode msg = choice.putObject("message");
        msg.put("role", "assistant");
        if (json != null) {
            msg.put("content", json);
        } else if (text.isEmpty() && !calls.isEmpty()) {
            msg.putNull("content");
        } else {
            msg.put("content", text.toString());
        }
        if (!reasoning.isEmpty()) {
            msg.put("reasoning_content", reasoning.toString());
        }
        if (!calls.isEmpty()) {
            msg.set("tool_calls", calls);
        }
        choice.put("finish_reason", rules.finishReason(root.path("stopReason").asText(null), !calls.isEmpty()));
        BedrockUsage usage = new BedrockUsage();
        usage.merge(root.get("usage"));
        if (usage.reported()) {
            out.set("usage", usage.toOpenAi());
        }
        try {
            return new Translated(Json.MAPPER.writeValueAsBytes(out), usage.reported() ? usage.toUsage() : null);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            if (n != null && n.isObject() && n.path("output").path("message").isObject()) {
                return n;
            }
        } catch (IOException e) {
            // fall through
        }
        throw new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, 502, "Bedrock returned an answer that is not a Converse response.", null, null);
    }
}
