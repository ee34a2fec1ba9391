package dev.switchboard.stage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.json.Json;
import dev.switchboard.model.Operation;
import java.io.IOException;

/**
 * Whether an answer a stage made (or changed) has the canonical shape the encoders expect: one well-formed JSON
 * object with its {@code choices} (or, for embeddings, {@code data}) array. Else an OpenAI client would get the bytes
 * as a 200 and an Anthropic one an empty message. Read token by token, no tree.
 */
public final class AnswerShape {
    private AnswerShape() {}

    /** What is wrong with the answer, or null. */
    public static String problem(Operation op, byte[] body) {
        String list = op == Operation.EMBEDDINGS ? "data" : "choices";
        boolean hasList = false;
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "not a JSON object";
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                hasList |= list.equals(name) && value == JsonToken.START_ARRAY;
                p.skipChildren();
            }
            if (p.nextToken() != null) {
                return "more than one JSON value";
            }
        } catch (IOException e) {
            return "malformed JSON";
        }
        return hasList ? null : "no '" + list + "' array";
    }
}
