package dev.switchboard.cache.semantic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads the vector out of an OpenAI embeddings answer ({@code {"data":[{"embedding":[…]}]}}), trusting nothing: one
 * streaming pass (no tree: a hostile answer can be large), exactly {@code dimensions} finite numbers, not all zero.
 * Anything else is {@link Malformed}.
 */
final class EmbeddingAnswer {
    private static final JsonFactory JSON = new JsonFactory();

    private EmbeddingAnswer() {}

    /** Why an answer could not be used; its message names the shape, never the answer's content. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** The largest answer worth reading for {@code dimensions} numbers (about 25 characters a number, plus room). */
    static int maxBytes(int dimensions) {
        return dimensions * 32 + 64 * 1024;
    }

    /** The first embedding of {@code body}, which must have {@code dimensions} numbers. */
    static float[] vector(byte[] body, int dimensions) throws Malformed {
        if (body.length > maxBytes(dimensions)) {
            throw new Malformed("an answer of " + body.length + " bytes, more than " + dimensions + " numbers need");
        }
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Malformed("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("data") && value == JsonToken.START_ARRAY) {
                    return first(p, dimensions);
                }
                p.skipChildren();
            }
            throw new Malformed("no data array");
        } catch (IOException e) {
            throw new Malformed("not valid JSON");
        }
    }

    /** Inside {@code data}: the first element's {@code embedding}. */
    private static float[] first(JsonParser p, int dimensions) throws IOException, Malformed {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new Malformed("data[0] is not an object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("embedding")) {
                if (value != JsonToken.START_ARRAY) {
                    throw new Malformed("data[0].embedding is not an array of numbers");
                }
                return numbers(p, dimensions);
            }
            p.skipChildren();
        }
        throw new Malformed("data[0] has no embedding");
    }

    private static float[] numbers(JsonParser p, int dimensions) throws IOException, Malformed {
        float[] v = new float[dimensions];
        int n = 0;
        boolean nonZero = false;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                throw new Malformed("data[0].embedding holds something other than numbers");
            }
            if (n == dimensions) {
                throw new Malformed("more than " + dimensions + " dimensions");
            }
            float x = p.getFloatValue();
            if (!Float.isFinite(x)) {
                throw new Malformed("a number out of range");
            }
            nonZero |= x != 0;
            v[n++] = x;
        }
        if (n != dimensions) {
            throw new Malformed(n + " dimensions, not " + dimensions);
        }
        if (!nonZero) {
            throw new Malformed("a zero vector");
        }
        return v;
    }
}
