package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import java.io.IOException;
import java.util.Locale;

/**
 * Canonical messages → Converse {@code messages} and {@code system}. System and developer messages become system
 * text blocks; tool results become {@code toolResult} blocks of a user turn; consecutive turns of one role are
 * merged (Converse requires alternation). Images must be data URLs (Converse takes bytes, not links).
 */
final class BedrockMessages {
    record Converted(ArrayNode messages, ArrayNode system) {}

    private BedrockMessages() {}

    static Converted convert(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw BedrockRequestErrors.invalid("messages", "'messages' must be a non-empty array.");
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        ArrayNode system = Json.MAPPER.createArrayNode();
        for (JsonNode m : messages) {
            String role = m.path("role").asText("");
            switch (role) {
                case "system", "developer" -> {
                    for (String t : texts(m.get("content"))) {
                        system.addObject().put("text", t);
                    }
                }
                case "user" -> append(out, "user", userContent(m.get("content")));
                case "assistant" -> append(out, "assistant", assistantContent(m));
                case "tool" -> {
                    ArrayNode blocks = Json.MAPPER.createArrayNode();
                    ObjectNode result = blocks.addObject().putObject("toolResult");
                    result.put("toolUseId", m.path("tool_call_id").asText());
                    ArrayNode content = result.putArray("content");
                    for (String t : texts(m.get("content"))) {
                        content.addObject().put("text", t);
                    }
                    append(out, "user", blocks);
                }
                default -> throw BedrockRequestErrors.invalid("messages", "Unknown message role '" + role + "'.");
            }
        }
        return new Converted(out, system);
    }

    private static void append(ArrayNode out, String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        JsonNode last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("content")).addAll(blocks);
            return;
        }
        ObjectNode msg = out.addObject();
        msg.put("role", role);
        msg.set("content", blocks);
    }

    private static ArrayNode userContent(JsonNode content) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            blocks.addObject().put("text", content.asText());
            return blocks;
        }
        for (JsonNode part : content) {
            switch (part.path("type").asText("")) {
                case "text" -> blocks.addObject().put("text", part.path("text").asText());
                case "image_url" -> blocks.add(image(part.path("image_url").path("url").asText("")));
                default -> throw BedrockRequestErrors.invalid("messages",
                        "Content part type '" + part.path("type").asText() + "' is not supported by Bedrock models.");
            }
        }
        return blocks;
    }

    private static ObjectNode image(String url) {
        int comma = url.indexOf(',');
        if (!url.startsWith("data:image/") || comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
            throw BedrockRequestErrors.invalid("messages",
                    "Bedrock models take images as base64 data URLs (data:image/png;base64,…), not links.");
        }
        String format = url.substring("data:image/".length(), url.indexOf(';')).toLowerCase(Locale.ROOT);
        if (format.equals("jpg")) {
            format = "jpeg";
        }
        ObjectNode block = Json.MAPPER.createObjectNode();
        ObjectNode img = block.putObject("image");
        img.put("format", format);
        img.putObject("source").put("bytes", url.substring(comma + 1));
        return block;
    }

    private static ArrayNode assistantContent(JsonNode m) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        for (String t : texts(m.get("content"))) {
            if (!t.isEmpty()) {
                blocks.addObject().put("text", t);
            }
        }
        for (JsonNode call : m.path("tool_calls")) {
            ObjectNode use = blocks.addObject().putObject("toolUse");
            use.put("toolUseId", call.path("id").asText());
            use.put("name", call.path("function").path("name").asText());
            use.set("input", arguments(call.path("function").path("arguments").asText("")));
        }
        return blocks;
    }

    private static JsonNode arguments(String json) {
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
        throw BedrockRequestErrors.invalid("messages", "Tool call arguments must be a JSON object for Bedrock models.");
    }

    private static java.util.List<String> texts(JsonNode content) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (content == null || content.isNull()) {
            return out;
        }
        if (content.isTextual()) {
            out.add(content.asText());
            return out;
        }
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText())) {
                out.add(part.path("text").asText());
            } else {
                throw BedrockRequestErrors.invalid("messages", "Only text content is supported in this message for Bedrock models.");
            }
        }
        return out;
    }
}
