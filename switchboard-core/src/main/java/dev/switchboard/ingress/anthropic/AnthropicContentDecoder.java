package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Anthropic's system prompt and messages as canonical messages. A user turn's tool_result blocks become
 * {@code tool} messages placed before the rest of the turn (the canonical shape wants them right after the
 * assistant's tool_calls); an assistant turn's tool_use blocks become its {@code tool_calls}, and its thinking
 * blocks the {@code thinking_blocks} extension the Anthropic upstream sends back with their signatures.
 * {@code cache_control} on a block is kept on the canonical part, where the Anthropic upstream reads it. Blocks
 * and sources with no canonical form are listed in {@code lost} (their paths) and left out, see {@link AnthropicFields}.
 */
final class AnthropicContentDecoder {
    private AnthropicContentDecoder() {}

    static void system(JsonNode system, ArrayNode out) {
        if (system == null || system.isNull()) {
            return;
        }
        if (system.isTextual()) {
            if (!system.asText().isEmpty()) {
                out.addObject().put("role", "system").put("content", system.asText());
            }
            return;
        }
        if (!system.isArray()) {
            throw AnthropicRequestProblems.invalid("system", "Input should be a string or a list of text blocks");
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (int i = 0; i < system.size(); i++) {
            JsonNode b = system.get(i);
            if (!"text".equals(b.path("type").asText())) {
                throw AnthropicRequestProblems.invalid("system." + i + ".type", "only 'text' blocks are allowed in 'system'");
            }
            parts.add(text(b, "system." + i));
        }
        if (!parts.isEmpty()) {
            out.addObject().put("role", "system").set("content", parts);
        }
    }

    static void message(JsonNode m, String path, ArrayNode out, List<String> lost) {
        if (!m.isObject()) {
            throw AnthropicRequestProblems.invalid(path, "Input should be an object");
        }
        String role = m.path("role").asText(null);
        if (role == null) {
            throw AnthropicRequestProblems.missing(path + ".role");
        }
        if (!role.equals("user") && !role.equals("assistant")) {
            throw AnthropicRequestProblems.invalid(path + ".role", "Input should be 'user' or 'assistant'");
        }
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) {
            throw AnthropicRequestProblems.missing(path + ".content");
        }
        if (content.isTextual()) {
            out.addObject().put("role", role).put("content", content.asText());
            return;
        }
        if (!content.isArray()) {
            throw AnthropicRequestProblems.invalid(path + ".content", "Input should be a string or a list of content blocks");
        }
        if (role.equals("user")) {
            user(content, path + ".content", out, lost);
        } else {
            assistant(content, path + ".content", out, lost);
        }
    }

    private static void user(JsonNode blocks, String path, ArrayNode out, List<String> lost) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        int lostBefore = lost.size();
        boolean toolResults = false;
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode b = blocks.get(i);
            String at = path + "." + i;
            if ("tool_result".equals(b.path("type").asText())) {
                out.add(toolResult(b, at, lost));
                toolResults = true;
            } else {
                addPart(parts, b, at, lost);
            }
        }
        if (!parts.isEmpty()) {
            out.addObject().put("role", "user").set("content", parts);
        } else if (!toolResults && lost.size() > lostBefore) {
            // a turn made only of Anthropic-only blocks (a Files API document, ...) still is a turn: without it the
            // canonical request could have no message at all, refused before an Anthropic provider gets the bytes
            out.addObject().put("role", "user").put("content", "");
        }
    }

    private static ObjectNode toolResult(JsonNode b, String path, List<String> lost) {
        String id = b.path("tool_use_id").asText(null);
        if (id == null) {
            throw AnthropicRequestProblems.missing(path + ".tool_use_id");
        }
        ObjectNode msg = Json.MAPPER.createObjectNode().put("role", "tool").put("tool_call_id", id);
        JsonNode content = b.get("content");
        if (content == null || content.isNull()) {
            msg.put("content", "");
        } else if (content.isTextual()) {
            msg.put("content", content.asText());
        } else if (content.isArray()) {
            ArrayNode parts = msg.putArray("content");
            for (int i = 0; i < content.size(); i++) {
                addPart(parts, content.get(i), path + ".content." + i, lost);
            }
        } else {
            throw AnthropicRequestProblems.invalid(path + ".content", "Input should be a string or a list of content blocks");
        }
        return msg;
    }

    private static void assistant(JsonNode blocks, String path, ArrayNode out, List<String> lost) {
        StringBuilder text = null;
        ArrayNode calls = null;
        ArrayNode thinking = null;
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode b = blocks.get(i);
            String at = path + "." + i;
            switch (b.path("type").asText("")) {
                case "text" -> text = (text == null ? new StringBuilder() : text).append(requireText(b, "text", at));
                case "tool_use" -> {
                    calls = calls != null ? calls : Json.MAPPER.createArrayNode();
                    calls.add(toolCall(b, at));
                }
                case "thinking" -> {
                    thinking = thinking != null ? thinking : Json.MAPPER.createArrayNode();
                    thinking.addObject().put("type", "thinking").put("thinking", b.path("thinking").asText(""))
                            .put("signature", b.path("signature").asText(""));
                }
                case "redacted_thinking" -> {
                    thinking = thinking != null ? thinking : Json.MAPPER.createArrayNode();
                    thinking.addObject().put("type", "redacted_thinking").put("data", b.path("data").asText(""));
                }
                default -> foreign(b, at, lost);
            }
        }
        ObjectNode msg = out.addObject().put("role", "assistant");
        if (text != null) {
            msg.put("content", text.toString());
        } else {
            msg.putNull("content");
        }
        if (calls != null) {
            msg.set("tool_calls", calls);
        }
        if (thinking != null) {
            msg.set("thinking_blocks", thinking);
        }
    }

    private static ObjectNode toolCall(JsonNode b, String path) {
        String id = b.path("id").asText(null);
        String name = b.path("name").asText(null);
        if (id == null) {
            throw AnthropicRequestProblems.missing(path + ".id");
        }
        if (name == null) {
            throw AnthropicRequestProblems.missing(path + ".name");
        }
        JsonNode input = b.get("input");
        String arguments;
        try {
            arguments = input == null || input.isNull() ? "{}" : Json.MAPPER.writeValueAsString(input);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ObjectNode call = Json.MAPPER.createObjectNode().put("id", id).put("type", "function");
        call.putObject("function").put("name", name).put("arguments", arguments);
        return call;
    }

    /** A user-side block (text, image, document) as a canonical content part, unless it has no canonical form. */
    private static void addPart(ArrayNode parts, JsonNode b, String path, List<String> lost) {
        ObjectNode part = switch (b.path("type").asText("")) {
            case "text" -> text(b, path);
            case "image" -> image(b.path("source"), path + ".source", lost);
            case "document" -> document(b, path, lost);
            default -> {
                foreign(b, path, lost);
                yield null;
            }
        };
        if (part == null) {
            return;
        }
        parts.add(part);
        JsonNode cache = b.get("cache_control");
        if (cache != null && !cache.isNull()) {
            part.set("cache_control", cache);
        }
    }

    private static ObjectNode text(JsonNode b, String path) {
        ObjectNode part = Json.MAPPER.createObjectNode().put("type", "text").put("text", requireText(b, "text", path));
        JsonNode cache = b.get("cache_control");
        if (cache != null && !cache.isNull()) {
            part.set("cache_control", cache);
        }
        return part;
    }

    private static ObjectNode image(JsonNode source, String path, List<String> lost) {
        String url = switch (source.path("type").asText("")) {
            case "base64" -> "data:" + require(source, "media_type", path) + ";base64," + require(source, "data", path);
            case "url" -> require(source, "url", path);
            default -> foreignSource(source, path, lost);
        };
        if (url == null) {
            return null;
        }
        ObjectNode part = Json.MAPPER.createObjectNode().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    /** PDFs and plain text as OpenAI file parts with a data URL, the only file form the canonical shape carries. */
    private static ObjectNode document(JsonNode b, String path, List<String> lost) {
        JsonNode source = b.path("source");
        String at = path + ".source";
        String dataUrl = switch (source.path("type").asText("")) {
            case "base64" -> "data:" + require(source, "media_type", at) + ";base64," + require(source, "data", at);
            case "text" -> "data:text/plain;base64," + Base64.getEncoder().encodeToString(
                    require(source, "data", at).getBytes(StandardCharsets.UTF_8));
            default -> foreignSource(source, at, lost);
        };
        if (dataUrl == null) {
            return null;
        }
        ObjectNode part = Json.MAPPER.createObjectNode().put("type", "file");
        ObjectNode file = part.putObject("file").put("file_data", dataUrl);
        if (b.path("title").isTextual()) {
            file.put("filename", b.path("title").asText());
        }
        return part;
    }

    private static String requireText(JsonNode b, String field, String path) {
        JsonNode v = b.get(field);
        if (v == null || !v.isTextual()) {
            throw AnthropicRequestProblems.invalid(path + "." + field, "Input should be a valid string");
        }
        return v.asText();
    }

    private static String require(JsonNode b, String field, String path) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            throw AnthropicRequestProblems.missing(path + "." + field);
        }
        return v.asText();
    }

    /**
     * A block with no canonical form (server tool calls and results, search results, container uploads, ...): only an
     * Anthropic provider can take it, so it is listed as dialect-only rather than refused here. A block without a
     * type is malformed everywhere.
     */
    private static void foreign(JsonNode b, String path, List<String> lost) {
        if (!b.isObject() || !b.path("type").isTextual() || b.path("type").asText().isEmpty()) {
            throw AnthropicRequestProblems.invalid(path + ".type", "Input should be a content block with a 'type'");
        }
        lost.add(path);
    }

    /** A source with no canonical form (a Files API file id, a content list, ...): dialect-only, as a block is. */
    private static String foreignSource(JsonNode source, String path, List<String> lost) {
        if (!source.isObject() || !source.path("type").isTextual() || source.path("type").asText().isEmpty()) {
            throw AnthropicRequestProblems.invalid(path + ".type", "Input should be a source with a 'type'");
        }
        lost.add(path);
        return null;
    }
}
