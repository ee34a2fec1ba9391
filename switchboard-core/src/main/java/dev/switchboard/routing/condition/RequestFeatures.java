package dev.switchboard.routing.condition;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import java.io.IOException;
import java.util.Set;

/**
 * The costly facts of a request body (tools, images, an input-token estimate), computed together in one
 * streaming pass over the client's bytes on first use, and only then: most routing rules never ask.
 * One instance serves one request; a race between threads would only repeat the same idempotent scan.
 * <p>
 * The token estimate is deliberately cheap: characters of the text in {@code messages} (and {@code prompt} /
 * {@code input} for completions and embeddings) divided by 4, rounded up, plus {@value #PER_MESSAGE} per message.
 * Image data, URLs, roles and ids are not counted: a base64 image would otherwise look like a huge prompt.
 */
public final class RequestFeatures {
    static final int PER_MESSAGE = 4;
    private static final Set<String> IMAGE_TYPES = Set.of("image_url", "input_image", "image");
    /** Fields inside messages whose string values are not prompt text. */
    private static final Set<String> NOT_TEXT = Set.of("role", "type", "url", "image_url", "data", "file_data",
            "detail", "id", "tool_call_id", "format", "mime_type", "media_type", "file_id");

    private final byte[] raw;
    private boolean scanned;
    private boolean hasTools;
    private boolean hasImages;
    private long estimatedInputTokens;

    public RequestFeatures(ModelRequest request) {
        this.raw = request.raw();
    }

    /** A non-empty {@code tools} or {@code functions} list. */
    public boolean hasTools() {
        scan();
        return hasTools;
    }

    /** A message content part of type {@code image_url}, {@code input_image} or {@code image}. */
    public boolean hasImages() {
        scan();
        return hasImages;
    }

    public long estimatedInputTokens() {
        scan();
        return estimatedInputTokens;
    }

    private void scan() {
        if (scanned) {
            return;
        }
        long[] chars = {0};
        int messages = 0;
        try (JsonParser p = Json.MAPPER.createParser(raw)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (name) {
                        case "tools", "functions" -> tools(p, v);
                        case "messages" -> messages += messages(p, v, chars);
                        case "prompt", "input" -> text(p, v, chars);
                        default -> p.skipChildren();
                    }
                }
            }
        } catch (IOException e) {
            // the decoder validated these bytes; should they still fail, the facts read so far stand
        }
        estimatedInputTokens = (chars[0] + 3) / 4 + (long) PER_MESSAGE * messages;
        scanned = true;
    }

    private void tools(JsonParser p, JsonToken start) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            hasTools = true;
            p.skipChildren();
        }
    }

    /** Walks the messages array; returns how many messages it holds. */
    private int messages(JsonParser p, JsonToken start, long[] chars) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            p.skipChildren();
            return 0;
        }
        int count = 0;
        int depth = 1;
        while (depth > 0) {
            JsonToken t = p.nextToken();
            if (t == null) {
                break;
            }
            switch (t) {
                case START_OBJECT, START_ARRAY -> {
                    if (depth == 1 && t == JsonToken.START_OBJECT) {
                        count++;
                    }
                    if ("image_url".equals(p.currentName()) || "input_image".equals(p.currentName())) {
                        hasImages = true; // a part that names its image without a type
                    }
                    depth++;
                }
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_STRING -> {
                    String field = p.currentName();
                    if (field == null || !NOT_TEXT.contains(field)) {
                        chars[0] += p.getTextLength();
                    } else if (field.equals("image_url") || field.equals("type") && IMAGE_TYPES.contains(p.getText())) {
                        hasImages = true;
                    }
                }
                default -> { }
            }
        }
        return count;
    }

    /** Counts every string in a prompt/input value (a string, or lists of them; token arrays are not text). */
    private static void text(JsonParser p, JsonToken start, long[] chars) throws IOException {
        if (start == JsonToken.VALUE_STRING) {
            chars[0] += p.getTextLength();
            return;
        }
        if (start != JsonToken.START_ARRAY && start != JsonToken.START_OBJECT) {
            return;
        }
        int depth = 1;
        while (depth > 0) {
            JsonToken t = p.nextToken();
            if (t == null) {
                break;
            }
            switch (t) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_STRING -> chars[0] += p.getTextLength();
                default -> { }
            }
        }
    }
}
