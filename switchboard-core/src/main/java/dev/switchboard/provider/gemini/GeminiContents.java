package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * OpenAI {@code messages} → Gemini {@code contents} and {@code systemInstruction}.
 * system/developer messages become the system instruction; user and tool messages become {@code user} contents,
 * assistant messages {@code model} contents; consecutive contents of one role are merged (Gemini wants turns to
 * alternate). Images must be {@code data:} URLs ({@code inlineData}); tool results become {@code functionResponse}
 * parts named after the call they answer.
 */
final class GeminiContents {
    record Converted(ObjectNode systemInstruction, ArrayNode contents) {}

    private GeminiContents() {}

    static Converted convert(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw GeminiRequestErrors.missing("messages");
        }
        ArrayNode systemParts = Json.MAPPER.createArrayNode();
        ArrayNode contents = Json.MAPPER.createArrayNode();
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText("");
            String where = "messages[" + i + "]";
            switch (role) {
                case "system", "developer" -> textParts(m.get("content"), where, systemParts);
                case "user" -> add(contents, "user", userParts(m.get("content"), where));
                case "assistant" -> add(contents, "model", assistantParts(m, where, toolNames));
                case "tool", "function" -> add(contents, "user", toolResult(m, where, toolNames));
                default -> throw GeminiRequestErrors.invalid(where + ".role", "Unknown role '" + role + "' in " + where + ".");
            }
        }
        if (contents.isEmpty()) {
            throw GeminiRequestErrors.invalid("messages", "Gemini needs at least one user or assistant message besides the system prompt.");
        }
        ObjectNode system = null;
        if (!systemParts.isEmpty()) {
            system = Json.MAPPER.createObjectNode();
            system.set("parts", systemParts);
        }
        return new Converted(system, contents);
    }

    /** Appends parts as a content of this role, merged into the previous content when it has the same role. */
    private static void add(ArrayNode contents, String role, ArrayNode parts) {
        if (parts.isEmpty()) {
            return;
        }
        JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("parts")).addAll(parts);
            return;
        }
        ObjectNode c = contents.addObject();
        c.put("role", role);
        c.set("parts", parts);
    }

    private static void textParts(JsonNode content, String where, ArrayNode out) {
        if (content == null || content.isNull()) {
            return;
        }
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                out.addObject().put("text", content.asText());
            }
            return;
        }
        if (!content.isArray()) {
            throw GeminiRequestErrors.invalid(where + ".content", "'content' must be a string or an array of parts.");
        }
        for (JsonNode part : content) {
            if (!"text".equals(part.path("type").asText())) {
                throw GeminiRequestErrors.invalid(where + ".content", "Only text parts are allowed here, got '"
                        + part.path("type").asText() + "'.");
            }
            out.addObject().put("text", part.path("text").asText(""));
        }
    }

    private static ArrayNode userParts(JsonNode content, String where) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        if (content == null || content.isNull() || content.isTextual()) {
            textParts(content, where, out);
            return out;
        }
        if (!content.isArray()) {
            throw GeminiRequestErrors.invalid(where + ".content", "'content' must be a string or an array of parts.");
        }
        for (JsonNode part : content) {
            switch (part.path("type").asText("")) {
                case "text" -> out.addObject().put("text", part.path("text").asText(""));
                case "image_url" -> out.add(inlineData(part.path("image_url").path("url").asText(""), where));
                case "input_audio" -> {
                    String format = part.path("input_audio").path("format").asText("wav");
                    ObjectNode inline = out.addObject().putObject("inlineData");
                    inline.put("mimeType", "audio/" + format);
                    inline.put("data", part.path("input_audio").path("data").asText(""));
                }
                case "file" -> {
                    String data = part.path("file").path("file_data").asText("");
                    if (data.isEmpty()) {
                        throw GeminiRequestErrors.invalid(where + ".content", "Files must be sent inline as 'file_data' for Gemini models.");
                    }
                    out.add(inlineData(data, where));
                }
                default -> throw GeminiRequestErrors.invalid(where + ".content",
                        "Content part type '" + part.path("type").asText() + "' is not supported by Gemini models.");
            }
        }
        return out;
    }

    /** A {@code data:<mime>;base64,<data>} URL as an inlineData part; remote URLs Gemini cannot fetch are refused. */
    private static ObjectNode inlineData(String url, String where) {
        int comma = url.indexOf(',');
        if (!url.startsWith("data:") || comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
            throw GeminiRequestErrors.invalid(where + ".content",
                    "Gemini models take images as base64 data: URLs only, not remote URLs.");
        }
        ObjectNode part = Json.MAPPER.createObjectNode();
        ObjectNode inline = part.putObject("inlineData");
        inline.put("mimeType", url.substring(5, comma - ";base64".length()));
        inline.put("data", url.substring(comma + 1));
        return part;
    }

    private static ArrayNode assistantParts(JsonNode m, String where, Map<String, String> toolNames) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        JsonNode content = m.get("content");
        if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                String type = part.path("type").asText("");
                if (type.equals("text")) {
                    out.addObject().put("text", part.path("text").asText(""));
                } else if (!type.equals("refusal")) {
                    throw GeminiRequestErrors.invalid(where + ".content", "Assistant content part type '" + type + "' is not supported.");
                }
            }
        } else {
            textParts(content, where, out);
        }
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (int k = 0; k < calls.size(); k++) {
                JsonNode call = calls.get(k);
                String id = call.path("id").asText("");
                String name = call.path("function").path("name").asText("");
                if (name.isEmpty()) {
                    throw GeminiRequestErrors.missing(where + ".tool_calls[" + k + "].function.name");
                }
                toolNames.put(id, name);
                ObjectNode part = out.addObject();
                ObjectNode fc = part.putObject("functionCall");
                fc.put("name", name);
                fc.set("args", arguments(call.path("function").path("arguments").asText(""), where + ".tool_calls[" + k + "]"));
                String signature = GeminiToolIds.signature(id);
                if (signature != null) {
                    part.put("thoughtSignature", signature);
                }
            }
        }
        return out;
    }

    private static JsonNode arguments(String text, String where) {
        if (text.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (IOException e) {
            // fall through
        }
        throw GeminiRequestErrors.invalid(where + ".function.arguments", "Tool call arguments must be a JSON object.");
    }

    private static ArrayNode toolResult(JsonNode m, String where, Map<String, String> toolNames) {
        String id = m.path("tool_call_id").asText("");
        String name = m.path("role").asText().equals("function") ? m.path("name").asText("") : toolNames.get(id);
        if (name == null || name.isEmpty()) {
            throw GeminiRequestErrors.invalid(where + ".tool_call_id",
                    "Tool message answers no tool call of an earlier assistant message (id '" + id + "').");
        }
        ArrayNode text = Json.MAPPER.createArrayNode();
        textParts(m.get("content"), where, text);
        StringBuilder sb = new StringBuilder();
        text.forEach(t -> sb.append(t.path("text").asText()));
        ArrayNode out = Json.MAPPER.createArrayNode();
        ObjectNode fr = out.addObject().putObject("functionResponse");
        fr.put("name", name);
        fr.set("response", response(sb.toString()));
        return out;
    }

    /** Gemini's response must be an object: a JSON object result as is, anything else under {@code result}. */
    private static ObjectNode response(String text) {
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            if (n != null && n.isObject()) {
                return (ObjectNode) n;
            }
        } catch (IOException e) {
            // plain text
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("result", text);
        return o;
    }
}
