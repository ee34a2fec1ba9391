package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * The model rule for OpenAI-compatible answers, which otherwise pass through as the provider wrote them: an answer
 * or chunk that names no {@code model} (some compatible servers leave it out, or send null or "") gets the target's
 * model id, as OpenAI always names one. The usual answer, which names it near its start, is found by a byte scan
 * (top-level keys only) and left untouched, byte for byte. Pure and thread-safe.
 */
final class OpenAiAnswerModel {
    private static final String KEY = "\"model\"";

    private OpenAiAnswerModel() {}

    /** The answer, or a copy that names {@code model} when it names none (and {@code model} is known). */
    static byte[] named(byte[] body, String model) {
        if (model.isEmpty() || namesModel(body.length, i -> body[i] & 0xff)) {
            return body;
        }
        ObjectNode named = withModel(read(body), model);
        return named == null ? body : named.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The chunk's data, or a copy that names {@code model} when it names none. */
    static String namedChunk(String data, String model) {
        if (model.isEmpty() || namesModel(data.length(), data::charAt)) {
            return data;
        }
        ObjectNode named;
        try {
            named = withModel(Json.MAPPER.readTree(data), model);
        } catch (IOException e) {
            return data;
        }
        return named == null ? data : named.toString();
    }

    /**
     * Whether the answer's own (top-level) {@code "model"} key has a non-empty string value. One pass over the
     * bytes that skips strings and counts nesting, so a {@code "model"} inside the answer (a provider's metadata, a
     * tool's arguments) is not taken for it; it stops at the top-level key, which OpenAI writes near the start.
     */
    private static boolean namesModel(int length, IntUnaryOperator at) {
        int depth = 0;
        for (int i = 0; i < length; i++) {
            int c = at.applyAsInt(i);
            if (c == '"') {
                int end = stringEnd(i, length, at);
                if (end < 0) {
                    return false;
                }
                if (depth == 1 && end - i == KEY.length() - 1 && isKey(i, at)) {
                    int k = skipSpace(end + 1, length, at);
                    if (k < length && at.applyAsInt(k) == ':') {
                        k = skipSpace(k + 1, length, at);
                        // a non-empty string; null, "" and anything else count as no name
                        return k + 1 < length && at.applyAsInt(k) == '"' && at.applyAsInt(k + 1) != '"';
                    }
                }
                i = end;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return false;
    }

    /** The index of the quote that closes the string opened at {@code open}, or -1. */
    private static int stringEnd(int open, int length, IntUnaryOperator at) {
        for (int i = open + 1; i < length; i++) {
            int c = at.applyAsInt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }

    private static boolean isKey(int open, IntUnaryOperator at) {
        for (int j = 0; j < KEY.length(); j++) {
            if (at.applyAsInt(open + j) != KEY.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    private static int skipSpace(int i, int length, IntUnaryOperator at) {
        while (i < length) {
            int c = at.applyAsInt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            i++;
        }
        return i;
    }

    private static JsonNode read(byte[] body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * A copy with {@code model} where OpenAI writes it (after {@code created}, else last); null for anything but a
     * completion or chunk (one with {@code choices}), such as an error event in a stream.
     */
    private static ObjectNode withModel(JsonNode answer, String model) {
        if (!(answer instanceof ObjectNode o) || !o.has("choices")) {
            return null;
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        boolean placed = false;
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            if (e.getKey().equals("model")) {
                continue;
            }
            out.set(e.getKey(), e.getValue());
            if (e.getKey().equals("created")) {
                out.put("model", model);
                placed = true;
            }
        }
        if (!placed) {
            out.put("model", model);
        }
        return out;
    }
}
