package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;

/**
 * Turns the canonical message list into Anthropic's {@code system} and {@code messages}.
 * Anthropic has one system prompt, two roles that must alternate, and tool results that travel inside user
 * messages, so: system and developer messages are hoisted (in order), tool messages become {@code tool_result}
 * blocks of a user message, and consecutive messages of the same role are merged into one.
 */
final class AnthropicMessageConverter {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** @param system the hoisted system blocks, or null when the conversation has none */
    record Converted(ArrayNode system, ArrayNode messages) {}

    private final ArrayNode system = NODES.arrayNode();
    private final ArrayNode messages = NODES.arrayNode();
    private ObjectNode last;

    private AnthropicMessageConverter() {}

    static Converted convert(JsonNode canonical) {
        if (canonical == null || !canonical.isArray()) {
            throw AnthropicRequestErrors.invalid("messages", "'messages' must be an array.");
        }
        AnthropicMessageConverter c = new AnthropicMessageConverter();
        for (int i = 0; i < canonical.size(); i++) {
            c.message(canonical.get(i), "messages[" + i + "]");
        }
        return new Converted(c.system.isEmpty() ? null : c.system, c.messages);
    }

    private void message(JsonNode m, String path) {
        String role = m.path("role").asText("");
        ArrayNode blocks = NODES.arrayNode();
        switch (role) {
            case "system", "developer" -> {
                AnthropicContentBlocks.append(m.get("content"), path + ".content", AnthropicContentBlocks.SYSTEM_PARTS, blocks);
                markLast(blocks, m.get("cache_control"));
                system.addAll(blocks);
                return;
            }
            case "user" -> AnthropicContentBlocks.append(m.get("content"), path + ".content", AnthropicContentBlocks.USER_PARTS, blocks);
            case "assistant" -> assistant(m, path, blocks);
            case "tool" -> blocks.add(toolResult(m, path));
            case "function" -> throw AnthropicRequestErrors.unsupported(path + ".role",
                    "the legacy 'function' role cannot be translated; use tool messages");
            default -> throw AnthropicRequestErrors.invalid(path + ".role", "Invalid role '" + role + "' at '" + path + "'.");
        }
        markLast(blocks, m.get("cache_control"));
        add(role.equals("assistant") ? "assistant" : "user", blocks);
    }

    /**
     * Thinking blocks go first (Anthropic requires them before the text and tool calls they led to, signatures
     * intact); {@code reasoning_content} alone is not sent back, as a thinking block without its signature is refused.
     */
    private static void assistant(JsonNode m, String path, ArrayNode blocks) {
        JsonNode thinking = m.get("thinking_blocks");
        if (thinking != null && thinking.isArray()) {
            for (int i = 0; i < thinking.size(); i++) {
                blocks.add(thinkingBlock(thinking.get(i), path + ".thinking_blocks[" + i + "]"));
            }
        }
        AnthropicContentBlocks.append(m.get("content"), path + ".content", AnthropicContentBlocks.ASSISTANT_PARTS, blocks);
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (int i = 0; i < calls.size(); i++) {
                blocks.add(toolUse(calls.get(i), path + ".tool_calls[" + i + "]"));
            }
        }
    }

    private static ObjectNode thinkingBlock(JsonNode b, String path) {
        String type = b.path("type").asText("");
        ObjectNode out = NODES.objectNode();
        out.put("type", type);
        switch (type) {
            case "thinking" -> {
                out.put("thinking", b.path("thinking").asText(""));
                out.put("signature", b.path("signature").asText(""));
            }
            case "redacted_thinking" -> out.put("data", b.path("data").asText(""));
            default -> throw AnthropicRequestErrors.invalid(path + ".type",
                    "'" + path + ".type' must be 'thinking' or 'redacted_thinking'.");
        }
        return out;
    }

    private static ObjectNode toolUse(JsonNode call, String path) {
        String type = call.path("type").asText("function");
        if (!type.equals("function")) {
            throw AnthropicRequestErrors.unsupported(path + ".type", "only function tool calls can be translated");
        }
        String id = call.path("id").asText(null);
        if (id == null || id.isEmpty()) {
            throw AnthropicRequestErrors.missing(path + ".id");
        }
        JsonNode function = call.path("function");
        String name = function.path("name").asText(null);
        if (name == null || name.isEmpty()) {
            throw AnthropicRequestErrors.missing(path + ".function.name");
        }
        ObjectNode out = NODES.objectNode();
        out.put("type", "tool_use");
        out.put("id", AnthropicToolIds.toAnthropic(id));
        out.put("name", name);
        out.set("input", arguments(function.get("arguments"), path + ".function.arguments"));
        return out;
    }

    /** OpenAI carries arguments as a JSON string; Anthropic wants the object itself. */
    private static JsonNode arguments(JsonNode args, String path) {
        if (args == null || args.isNull() || (args.isTextual() && args.asText().isBlank())) {
            return NODES.objectNode();
        }
        JsonNode parsed = args.deepCopy();
        if (args.isTextual()) {
            try {
                parsed = Json.MAPPER.readTree(args.asText());
            } catch (JsonProcessingException e) {
                throw AnthropicRequestErrors.invalid(path, "'" + path + "' is not valid JSON.");
            }
        }
        if (!parsed.isObject()) {
            throw AnthropicRequestErrors.invalid(path, "'" + path + "' must be a JSON object.");
        }
        return parsed;
    }

    private static ObjectNode toolResult(JsonNode m, String path) {
        String id = m.path("tool_call_id").asText(null);
        if (id == null || id.isEmpty()) {
            throw AnthropicRequestErrors.missing(path + ".tool_call_id");
        }
        ObjectNode out = NODES.objectNode();
        out.put("type", "tool_result");
        out.put("tool_use_id", AnthropicToolIds.toAnthropic(id));
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) {
            if (!content.asText().isEmpty()) {
                out.put("content", content.asText());
            }
        } else {
            ArrayNode blocks = NODES.arrayNode();
            AnthropicContentBlocks.append(content, path + ".content", AnthropicContentBlocks.TOOL_PARTS, blocks);
            if (!blocks.isEmpty()) {
                out.set("content", blocks);
            }
        }
        return out;
    }

    /** A message-level cache_control marks the end of that message, i.e. its last block. */
    private static void markLast(ArrayNode blocks, JsonNode cache) {
        if (cache != null && !cache.isNull() && !blocks.isEmpty()) {
            AnthropicContentBlocks.withCache((ObjectNode) blocks.get(blocks.size() - 1), cache);
        }
    }

    /** A message with no blocks carries nothing and Anthropic refuses empty content, so it is left out. */
    private void add(String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        if (last != null && last.path("role").asText().equals(role)) {
            ((ArrayNode) last.get("content")).addAll(blocks);
            return;
        }
        last = messages.addObject();
        last.put("role", role);
        last.set("content", blocks);
    }
}
