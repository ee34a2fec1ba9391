package dev.switchboard.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Finds the {@code usage} object of an OpenAI response without building the whole tree.
 * Providers put {@code usage} last, so the last {@code "usage": {…}} key is read directly (the key cannot
 * occur inside a JSON string, whose quotes are escaped), and large bodies such as embedding vectors are not
 * tokenized at all. When that finds nothing, the top level is scanned with the streaming parser.
 */
public final class UsageScanner {
    private static final byte[] USAGE_KEY = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

    private UsageScanner() {}

    /** The usage, or null when absent, null, or the body is not a JSON object. */
    public static Usage scan(byte[] body) {
        int at = lastIndexOf(body, USAGE_KEY);
        if (at < 0) {
            return null;
        }
        int i = skipColon(body, at + USAGE_KEY.length);
        if (i < body.length && body[i] == '{') {
            try (JsonParser p = Json.MAPPER.createParser(body, i, body.length - i)) {
                p.nextToken();
                return readUsageObject(p);
            } catch (IOException e) {
                // not an object after all: fall back to the full scan
            }
        }
        return scanTopLevel(body);
    }

    /**
     * Reads OpenAI's usage object field by field from a parser on its START_OBJECT (no tree: this runs for every
     * response). Same meaning as {@link OpenAiUsageReader#read}.
     */
    static Usage readUsageObject(JsonParser p) throws IOException {
        long prompt = 0;
        long completion = 0;
        long total = -1;
        long cached = 0;
        long reasoning = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "prompt_tokens" -> prompt = p.getValueAsLong(0);
                case "completion_tokens" -> completion = p.getValueAsLong(0);
                case "total_tokens" -> total = p.getValueAsLong(0);
                case "prompt_tokens_details" -> cached = detail(p, v, "cached_tokens");
                case "completion_tokens_details" -> reasoning = detail(p, v, "reasoning_tokens");
                default -> p.skipChildren();
            }
        }
        return new Usage(prompt, completion, total < 0 ? prompt + completion : total, cached, reasoning);
    }

    private static long detail(JsonParser p, JsonToken start, String field) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            p.skipChildren();
            return 0;
        }
        long value = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals(field)) {
                value = p.getValueAsLong(0);
            } else {
                p.skipChildren();
            }
        }
        return value;
    }

    static Usage scanTopLevel(byte[] body) {
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("usage".equals(name)) {
                    return value == JsonToken.START_OBJECT ? readUsageObject(p) : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Cheap pre-check for a stream chunk: true when the text carries a non-null {@code "usage"} value,
     * so only those chunks are parsed.
     */
    public static boolean mayCarryUsage(String data) {
        int i = data.lastIndexOf("\"usage\"");
        if (i < 0) {
            return false;
        }
        i += 7;
        while (i < data.length() && (data.charAt(i) == ' ' || data.charAt(i) == ':' || data.charAt(i) == '\t'
                || data.charAt(i) == '\n' || data.charAt(i) == '\r')) {
            i++;
        }
        return i < data.length() && data.charAt(i) == '{';
    }

    private static int skipColon(byte[] body, int i) {
        while (i < body.length && (body[i] == ' ' || body[i] == ':' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) {
            i++;
        }
        return i;
    }

    private static int lastIndexOf(byte[] body, byte[] key) {
        outer:
        for (int i = body.length - key.length; i >= 0; i--) {
            for (int j = 0; j < key.length; j++) {
                if (body[i + j] != key[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
