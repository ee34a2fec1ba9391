package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * Turns one message's canonical content (a string or an array of parts) into Anthropic content blocks.
 * Which part types a role may carry is the caller's choice; a {@code cache_control} marker on a part is carried
 * to the block it becomes, since prompt caching is where Anthropic saves its callers the most.
 */
final class AnthropicContentBlocks {
    static final Set<String> SYSTEM_PARTS = Set.of("text");
    static final Set<String> USER_PARTS = Set.of("text", "image_url", "file");
    static final Set<String> ASSISTANT_PARTS = Set.of("text", "refusal");
    static final Set<String> TOOL_PARTS = Set.of("text", "image_url");

    private AnthropicContentBlocks() {}

    /** Appends the blocks of {@code content} (string, array of parts, or null) to {@code into}. */
    static void append(JsonNode content, String path, Set<String> allowed, ArrayNode into) {
        if (content == null || content.isNull()) {
            return;
        }
        if (content.isTextual()) {
            addText(content.asText(), null, into);
            return;
        }
        if (!content.isArray()) {
            throw AnthropicRequestErrors.invalid(path, "'" + path + "' must be a string or an array of content parts.");
        }
        for (int i = 0; i < content.size(); i++) {
            part(content.get(i), path + "[" + i + "]", allowed, into);
        }
    }

    private static void part(JsonNode part, String path, Set<String> allowed, ArrayNode into) {
        String type = part.path("type").asText("");
        if (!allowed.contains(type)) {
            throw AnthropicRequestErrors.invalid(path + ".type", "Content part type '" + type + "' at '" + path
                    + "' is not supported here by Anthropic models; supported: " + String.join(", ", allowed.stream().sorted().toList()) + ".");
        }
        JsonNode cache = part.get("cache_control");
        switch (type) {
            case "text" -> addText(requireText(part, "text", path), cache, into);
            case "refusal" -> addText(requireText(part, "refusal", path), cache, into);
            case "image_url" -> into.add(withCache(image(part.path("image_url"), path + ".image_url"), cache));
            case "file" -> into.add(withCache(document(part.path("file"), path + ".file"), cache));
            default -> throw new IllegalStateException(type);
        }
    }

    private static String requireText(JsonNode part, String field, String path) {
        JsonNode text = part.get(field);
        if (text == null || !text.isTextual()) {
            throw AnthropicRequestErrors.invalid(path + "." + field, "'" + path + "." + field + "' must be a string.");
        }
        return text.asText();
    }

    /** Anthropic rejects empty text blocks, and an empty part carries nothing, so it is left out. */
    private static void addText(String text, JsonNode cache, ArrayNode into) {
        if (text.isEmpty()) {
            return;
        }
        ObjectNode block = into.addObject();
        block.put("type", "text");
        block.put("text", text);
        withCache(block, cache);
    }

    private static ObjectNode image(JsonNode imageUrl, String path) {
        String url = imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText(null);
        if (url == null || url.isEmpty()) {
            throw AnthropicRequestErrors.missing(path + ".url");
        }
        ObjectNode block = JsonNodeFactory.instance.objectNode();
        block.put("type", "image");
        ObjectNode source = block.putObject("source");
        if (url.startsWith("data:")) {
            DataUrl data = DataUrl.parse(url, path + ".url");
            source.put("type", "base64");
            source.put("media_type", data.mediaType());
            source.put("data", data.base64());
        } else if (url.startsWith("https://") || url.startsWith("http://")) {
            source.put("type", "url");
            source.put("url", url);
        } else {
            throw AnthropicRequestErrors.invalid(path + ".url", "'" + path + ".url' must be an http(s) URL or a base64 data: URL.");
        }
        return block; // "detail" is an OpenAI resolution hint with no Anthropic counterpart; the image itself is sent whole
    }

    /** A file part becomes a document block: PDFs as base64, plain text decoded to a text source. */
    private static ObjectNode document(JsonNode file, String path) {
        if (file.hasNonNull("file_id")) {
            throw AnthropicRequestErrors.unsupported(path + ".file_id", "uploaded OpenAI files cannot be read; send file_data");
        }
        String fileData = file.path("file_data").asText(null);
        if (fileData == null) {
            throw AnthropicRequestErrors.missing(path + ".file_data");
        }
        DataUrl data = DataUrl.parse(fileData, path + ".file_data");
        ObjectNode block = JsonNodeFactory.instance.objectNode();
        block.put("type", "document");
        ObjectNode source = block.putObject("source");
        switch (data.mediaType()) {
            case "application/pdf" -> {
                source.put("type", "base64");
                source.put("media_type", "application/pdf");
                source.put("data", data.base64());
            }
            case "text/plain" -> {
                source.put("type", "text");
                source.put("media_type", "text/plain");
                source.put("data", new String(decode(data.base64(), path + ".file_data"), StandardCharsets.UTF_8));
            }
            default -> throw AnthropicRequestErrors.invalid(path + ".file_data", "File type '" + data.mediaType()
                    + "' is not supported by Anthropic models; send application/pdf or text/plain.");
        }
        if (file.hasNonNull("filename")) {
            block.put("title", file.get("filename").asText());
        }
        return block;
    }

    private static byte[] decode(String base64, String path) {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw AnthropicRequestErrors.invalid(path, "'" + path + "' is not valid base64.");
        }
    }

    static ObjectNode withCache(ObjectNode block, JsonNode cache) {
        if (cache != null && !cache.isNull()) {
            block.set("cache_control", cache.deepCopy());
        }
        return block;
    }

    /** A {@code data:<media type>[;params];base64,<data>} URL. */
    record DataUrl(String mediaType, String base64) {
        static DataUrl parse(String url, String path) {
            int comma = url.indexOf(',');
            if (!url.startsWith("data:") || comma < 0) {
                throw AnthropicRequestErrors.invalid(path, "'" + path + "' must be a data: URL.");
            }
            String meta = url.substring(5, comma);
            if (!meta.endsWith(";base64")) {
                throw AnthropicRequestErrors.invalid(path, "'" + path + "' must be a base64 data: URL.");
            }
            int semicolon = meta.indexOf(';');
            String mediaType = meta.substring(0, semicolon).trim().toLowerCase(Locale.ROOT);
            if (mediaType.isEmpty()) {
                throw AnthropicRequestErrors.invalid(path, "'" + path + "' must name its media type.");
            }
            return new DataUrl(mediaType, url.substring(comma + 1));
        }
    }
}
