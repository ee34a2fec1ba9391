package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.usage.Usage;
import java.io.IOException;

/**
 * Turns an Anthropic message into a canonical {@code chat.completion}.
 * Text blocks are joined into {@code content}; {@code tool_use} blocks become {@code tool_calls} with the input
 * re-encoded as the arguments string; thinking text goes to {@code reasoning_content}, and the thinking blocks
 * themselves, signatures included, to the extension field {@code thinking_blocks} so a client can send them back
 * on its next turn (Anthropic requires that when thinking is combined with tools).
 * Pure and thread-safe.
 */
public final class AnthropicResponseTranslator {
    /** The completion and its usage, read once for accounting. */
    public record Translated(ObjectNode completion, Usage usage) {
        public byte[] bytes() {
            try {
                return Json.MAPPER.writeValueAsBytes(completion);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private AnthropicResponseTranslator() {}

    /**
     * @param structuredOutput the request asked for JSON ({@link AnthropicStructuredOutput#requested}): the forced
     *                         tool's input is the message content
     * @param created the {@code created} timestamp (epoch seconds); Anthropic's message carries none
     */
    public static Translated toOpenAi(byte[] body, boolean structuredOutput, long created) {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            message = null;
        }
        if (message == null || !message.isObject() || !message.path("content").isArray()) {
            throw new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, "The provider's response is not an Anthropic message.");
        }
        return toOpenAi(message, structuredOutput, created);
    }

    static Translated toOpenAi(JsonNode message, boolean structuredOutput, long created) {
        StringBuilder text = null;
        String json = null; // the forced JSON tool's input: then the whole content, text beside it is no part of it
        StringBuilder reasoning = null;
        ArrayNode toolCalls = null;
        ArrayNode thinkingBlocks = null;
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText("")) {
                case "text" -> text = append(text, block.path("text").asText(""));
                case "tool_use" -> {
                    String arguments = write(block.path("input").isMissingNode() ? Json.MAPPER.createObjectNode() : block.get("input"));
                    if (structuredOutput && AnthropicStructuredOutput.TOOL_NAME.equals(block.path("name").asText())) {
                        json = json == null ? arguments : json; // one JSON object; a repeat would make it invalid
                    } else {
                        toolCalls = toolCalls != null ? toolCalls : Json.MAPPER.createArrayNode();
                        ObjectNode call = toolCalls.addObject();
                        call.put("id", block.path("id").asText());
                        call.put("type", "function");
                        ObjectNode function = call.putObject("function");
                        function.put("name", block.path("name").asText());
                        function.put("arguments", arguments);
                    }
                }
                case "thinking" -> {
                    reasoning = append(reasoning, block.path("thinking").asText(""));
                    thinkingBlocks = thinkingBlocks != null ? thinkingBlocks : Json.MAPPER.createArrayNode();
                    ObjectNode b = thinkingBlocks.addObject();
                    b.put("type", "thinking");
                    b.put("thinking", block.path("thinking").asText(""));
                    b.put("signature", block.path("signature").asText(""));
                }
                case "redacted_thinking" -> {
                    thinkingBlocks = thinkingBlocks != null ? thinkingBlocks : Json.MAPPER.createArrayNode();
                    ObjectNode b = thinkingBlocks.addObject();
                    b.put("type", "redacted_thinking");
                    b.put("data", block.path("data").asText(""));
                }
                default -> { } // server-tool blocks only answer server tools, which are never requested
            }
        }

        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", message.path("id").asText(""));
        out.put("object", "chat.completion");
        out.put("created", created);
        out.put("model", message.path("model").isTextual() ? message.path("model").asText() : ""); // else the adapter's rule
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode msg = choice.putObject("message");
        msg.put("role", "assistant");
        msg.put("content", json != null ? json : text == null ? null : text.toString());
        if (toolCalls != null) {
            msg.set("tool_calls", toolCalls);
        }
        if (reasoning != null) {
            msg.put("reasoning_content", reasoning.toString());
        }
        if (thinkingBlocks != null) {
            msg.set("thinking_blocks", thinkingBlocks);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", AnthropicFinishReason.map(message.path("stop_reason").asText(null), structuredOutput));

        AnthropicUsage usage = new AnthropicUsage();
        usage.merge(message.get("usage"));
        out.set("usage", usage.toOpenAi());
        return new Translated(out, usage.toUsage());
    }

    private static StringBuilder append(StringBuilder sb, String s) {
        return (sb == null ? new StringBuilder() : sb).append(s);
    }

    private static String write(JsonNode n) {
        try {
            return Json.MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
