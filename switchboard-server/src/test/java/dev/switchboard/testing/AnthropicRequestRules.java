package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks the Anthropic Messages API applies to a request body, as its public documentation describes them,
 * each failing with the kind of message the API answers in its {@code invalid_request_error}. Stricter than
 * lenient where the docs leave room: roles must alternate, and every {@code tool_result} must answer a
 * {@code tool_use} of the assistant message right before it (and every such call must be answered).
 */
final class AnthropicRequestRules {
    static final Set<String> TOP_LEVEL = Set.of("model", "messages", "max_tokens", "system", "metadata", "stop_sequences",
            "stream", "temperature", "top_p", "top_k", "tools", "tool_choice", "thinking", "service_tier", "container",
            "mcp_servers", "context_management", "output_config", "output_format", "thread");
    private static final Map<String, Set<String>> BLOCK_FIELDS = Map.of(
            "text", Set.of("type", "text", "cache_control", "citations"),
            "image", Set.of("type", "source", "cache_control"),
            "document", Set.of("type", "source", "title", "context", "citations", "cache_control"),
            "tool_use", Set.of("type", "id", "name", "input", "cache_control"),
            "tool_result", Set.of("type", "tool_use_id", "content", "is_error", "cache_control"),
            "thinking", Set.of("type", "thinking", "signature"),
            "redacted_thinking", Set.of("type", "data"));
    private static final Set<String> USER_BLOCKS = Set.of("text", "image", "document", "tool_result");
    private static final Set<String> ASSISTANT_BLOCKS = Set.of("text", "tool_use", "thinking", "redacted_thinking");
    private static final Pattern TOOL_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    private static final Pattern TOOL_ID = Pattern.compile("^[a-zA-Z0-9_-]+$");

    /** A rule the request broke: the message Anthropic would answer with. */
    static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** Server tool types are versioned by date, e.g. web_search_20250305. */
    private static final java.util.regex.Pattern SERVER_TOOL = java.util.regex.Pattern.compile("^[a-z_]+_\\d{8}$");

    private AnthropicRequestRules() {}

    static void check(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new Invalid("The request body is not valid JSON.");
        }
        for (var e : body.properties()) {
            if (!TOP_LEVEL.contains(e.getKey())) {
                throw new Invalid(e.getKey() + ": Extra inputs are not permitted");
            }
        }
        if (!body.path("model").isTextual() || body.path("model").asText().isEmpty()) {
            throw new Invalid("model: Field required");
        }
        JsonNode maxTokens = body.get("max_tokens");
        if (maxTokens == null) {
            throw new Invalid("max_tokens: Field required");
        }
        if (!maxTokens.isIntegralNumber() || maxTokens.asLong() < 1) {
            throw new Invalid("max_tokens: Input should be a valid integer greater than or equal to 1");
        }
        if (body.has("stream") && !body.get("stream").isBoolean()) {
            throw new Invalid("stream: Input should be a valid boolean");
        }
        JsonNode temperature = body.get("temperature");
        if (temperature != null && (!temperature.isNumber() || temperature.asDouble() < 0 || temperature.asDouble() > 1)) {
            throw new Invalid("temperature: Input should be less than or equal to 1");
        }
        system(body.get("system"));
        Set<String> toolNames = tools(body.get("tools"));
        toolChoice(body.get("tool_choice"), toolNames);
        messages(body.get("messages"));
        if (toolNames.isEmpty() && body.get("messages").toString().matches("(?s).*\"type\":\"tool_(use|result)\".*")) {
            throw new Invalid("Requests which include `tool_use` or `tool_result` blocks must define tools.");
        }
    }

    private static void system(JsonNode system) {
        if (system == null || system.isTextual()) {
            return;
        }
        if (!system.isArray()) {
            throw new Invalid("system: Input should be a valid string or list");
        }
        for (int i = 0; i < system.size(); i++) {
            if (!"text".equals(system.get(i).path("type").asText())) {
                throw new Invalid("system." + i + ".type: Input should be 'text'");
            }
            block(system.get(i), "system." + i);
        }
    }

    private static Set<String> tools(JsonNode tools) {
        Set<String> names = new HashSet<>();
        if (tools == null) {
            return names;
        }
        if (!tools.isArray()) {
            throw new Invalid("tools: Input should be a valid list");
        }
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String path = "tools." + i;
            if (!t.path("type").asText("custom").equals("custom")) { // a server tool: Anthropic runs it, no schema
                if (!SERVER_TOOL.matcher(t.path("type").asText()).matches() || !t.path("name").isTextual()) {
                    throw new Invalid(path + ": unknown server tool type '" + t.path("type").asText() + "'");
                }
                continue;
            }
            for (var e : t.properties()) {
                // eager_input_streaming (fine-grained tool streaming) and strict are GA tool fields the AI SDK sends
                if (!Set.of("name", "description", "input_schema", "cache_control", "type", "eager_input_streaming", "strict")
                        .contains(e.getKey())) {
                    throw new Invalid(path + "." + e.getKey() + ": Extra inputs are not permitted");
                }
            }
            String name = t.path("name").asText("");
            if (!TOOL_NAME.matcher(name).matches()) {
                throw new Invalid(path + ".name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'");
            }
            if (!t.path("input_schema").isObject() || !"object".equals(t.path("input_schema").path("type").asText())) {
                throw new Invalid(path + ".input_schema: Field required (an object schema with type 'object')");
            }
            if (!names.add(name)) {
                throw new Invalid("tools: Tool names must be unique.");
            }
        }
        return names;
    }

    private static void toolChoice(JsonNode choice, Set<String> toolNames) {
        if (choice == null) {
            return;
        }
        String type = choice.path("type").asText("");
        switch (type) {
            case "auto", "any", "none" -> { }
            case "tool" -> {
                if (!toolNames.contains(choice.path("name").asText())) {
                    throw new Invalid("tool_choice.name: Tool '" + choice.path("name").asText() + "' not found in 'tools'");
                }
            }
            default -> throw new Invalid("tool_choice: Input tag '" + type
                    + "' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'");
        }
        if (!type.equals("none") && toolNames.isEmpty()) {
            throw new Invalid("tool_choice may only be specified while providing tools.");
        }
    }

    private static void messages(JsonNode messages) {
        if (messages == null || !messages.isArray()) {
            throw new Invalid("messages: Field required");
        }
        if (messages.isEmpty()) {
            throw new Invalid("messages: at least one message is required");
        }
        String previousRole = null;
        List<String> pendingToolUses = List.of();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String path = "messages." + i;
            for (var e : m.properties()) {
                if (!e.getKey().equals("role") && !e.getKey().equals("content")) {
                    throw new Invalid(path + "." + e.getKey() + ": Extra inputs are not permitted");
                }
            }
            String role = m.path("role").asText("");
            if (role.equals("system")) {
                throw new Invalid("messages: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, "
                        + "not \"system\" as an input message role.");
            }
            if (!role.equals("user") && !role.equals("assistant")) {
                throw new Invalid(path + ".role: Input should be 'user' or 'assistant'");
            }
            if (role.equals(previousRole)) {
                throw new Invalid("messages: roles must alternate between \"user\" and \"assistant\", but found multiple \""
                        + role + "\" roles in a row");
            }
            List<JsonNode> blocks = content(m.get("content"), path, role);
            if (role.equals("user")) {
                toolResults(blocks, pendingToolUses, path);
                pendingToolUses = List.of();
            } else {
                pendingToolUses = toolUseIds(blocks, path);
            }
            previousRole = role;
        }
    }

    private static List<JsonNode> content(JsonNode content, String path, String role) {
        List<JsonNode> blocks = new ArrayList<>();
        if (content != null && content.isTextual()) {
            if (content.asText().isEmpty()) {
                throw new Invalid(path + ": all messages must have non-empty content except for the optional final assistant message");
            }
            return blocks;
        }
        if (content == null || !content.isArray() || content.isEmpty()) {
            throw new Invalid(path + ": all messages must have non-empty content except for the optional final assistant message");
        }
        Set<String> allowed = role.equals("user") ? USER_BLOCKS : ASSISTANT_BLOCKS;
        for (int i = 0; i < content.size(); i++) {
            JsonNode b = content.get(i);
            String type = b.path("type").asText("");
            if (!allowed.contains(type)) {
                throw new Invalid(path + ".content." + i + ".type: '" + type + "' blocks are not allowed in " + role + " messages");
            }
            block(b, path + ".content." + i);
            blocks.add(b);
        }
        return blocks;
    }

    private static void block(JsonNode b, String path) {
        String type = b.path("type").asText("");
        Set<String> fields = BLOCK_FIELDS.get(type);
        if (fields == null) {
            throw new Invalid(path + ".type: unknown content block type '" + type + "'");
        }
        for (var e : b.properties()) {
            if (!fields.contains(e.getKey())) {
                throw new Invalid(path + "." + type + "." + e.getKey() + ": Extra inputs are not permitted");
            }
        }
        switch (type) {
            case "text" -> {
                if (!b.path("text").isTextual() || b.path("text").asText().isEmpty()) {
                    throw new Invalid(path + ": text content blocks must be non-empty");
                }
            }
            case "tool_use" -> {
                if (!TOOL_ID.matcher(b.path("id").asText("")).matches()) {
                    throw new Invalid(path + ".id: String should match pattern '^[a-zA-Z0-9_-]+$'");
                }
                if (!b.path("input").isObject()) {
                    throw new Invalid(path + ".input: Input should be a valid dictionary");
                }
            }
            case "tool_result" -> {
                JsonNode c = b.get("content");
                if (c != null && !c.isTextual() && !c.isArray()) {
                    throw new Invalid(path + ".content: Input should be a valid string or list");
                }
            }
            default -> { }
        }
    }

    private static List<String> toolUseIds(List<JsonNode> blocks, String path) {
        List<String> ids = new ArrayList<>();
        for (JsonNode b : blocks) {
            if ("tool_use".equals(b.path("type").asText())) {
                if (ids.contains(b.path("id").asText())) {
                    throw new Invalid(path + ": `tool_use` ids must be unique");
                }
                ids.add(b.path("id").asText());
            }
        }
        return ids;
    }

    private static void toolResults(List<JsonNode> blocks, List<String> toolUses, String path) {
        Set<String> answered = new HashSet<>();
        boolean otherContentSeen = false;
        for (JsonNode b : blocks) {
            if (!"tool_result".equals(b.path("type").asText())) {
                otherContentSeen = true;
                continue;
            }
            String id = b.path("tool_use_id").asText("");
            if (!toolUses.contains(id)) {
                throw new Invalid(path + ".content: unexpected `tool_use_id` found in `tool_result` blocks: " + id
                        + ". Each `tool_result` block must have a corresponding `tool_use` block in the previous message.");
            }
            if (otherContentSeen) {
                throw new Invalid(path + ".content: `tool_result` blocks must come first in the content of a user message");
            }
            answered.add(id);
        }
        List<String> missing = toolUses.stream().filter(id -> !answered.contains(id)).toList();
        if (!missing.isEmpty()) {
            throw new Invalid("messages: `tool_use` ids were found without `tool_result` blocks immediately after: "
                    + String.join(", ", missing) + ". Each `tool_use` block must have a corresponding `tool_result` block in the next message.");
        }
    }
}
