package dev.switchboard.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.json.Json;
import java.io.IOException;

/**
 * Finds the top-level {@code usage} object of an OpenAI response without building the whole tree:
 * other fields (choices, embedding vectors) are skipped by the streaming parser.
 */
public final class UsageScanner {
    private UsageScanner() {}

    /** The usage, or null when absent, null, or the body is not a JSON object. */
    public static Usage scan(byte[] body) {
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("usage".equals(name)) {
                    if (value != JsonToken.START_OBJECT) {
                        return null;
                    }
                    JsonNode usage = Json.SUBTREE_READER.readTree(p);
                    return OpenAiUsageReader.read(usage);
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
}
