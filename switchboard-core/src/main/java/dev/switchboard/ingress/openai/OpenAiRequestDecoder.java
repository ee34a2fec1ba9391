package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.json.Utf8Check;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import java.io.IOException;
import java.util.Set;

/**
 * Validates an OpenAI-dialect request body in one streaming pass, checking the fields the gateway relies on
 * and recording where the model name sits, without building a tree: the common OpenAI-to-OpenAI hop then
 * costs one tokenizer pass. Every other field is left untouched. Stateless and thread-safe.
 */
public final class OpenAiRequestDecoder {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    private OpenAiRequestDecoder() {}

    public static ModelRequest decode(Operation op, byte[] body) {
        if (body.length == 0) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON, "The request body is empty; expected a JSON object.");
        }
        checkUtf8(body);
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            return scan(op, p, body);
        } catch (JsonProcessingException e) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON,
                    "The request body is not valid JSON: " + e.getOriginalMessage()
                            + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                            + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON, "The request body could not be read as JSON.");
        }
    }

    /** Refuses a body that is not well-formed UTF-8 or escapes a lone surrogate (see {@link Utf8Check}). */
    public static void checkUtf8(byte[] body) {
        int bad = Utf8Check.firstProblem(body);
        if (bad >= 0) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON, "The request body is not valid UTF-8 JSON text: a malformed"
                    + " byte sequence or an unpaired surrogate escape at byte offset " + bad + ".");
        }
    }

    private static ModelRequest scan(Operation op, JsonParser p, byte[] body) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON, "The request body must be a JSON object.");
        }
        String model = null;
        int modelStart = -1;
        int modelEnd = -1;
        boolean stream = false;
        boolean clientUsage = false;
        boolean hasStreamOptions = false;
        boolean sawMessages = false;
        boolean sawInput = false;
        boolean sawPrompt = false;
        SeenKeys top = new SeenKeys(32); // OpenAI's request has about 30 top-level parameters
        SeenKeys inner = new SeenKeys(8); // a message or stream_options: a handful
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (!top.add(name)) {
                throw twice(name, null);
            }
            JsonToken v = p.nextToken();
            switch (name) {
                case "model" -> {
                    if (v == JsonToken.VALUE_NULL) {
                        model = null;
                        break;
                    }
                    if (v != JsonToken.VALUE_STRING) {
                        p.skipChildren();
                        throw invalid("model", "'model' must be a non-empty string.");
                    }
                    if (modelStart >= 0) {
                        throw invalid("model", "'model' is given twice.");
                    }
                    modelStart = (int) p.currentTokenLocation().getByteOffset();
                    model = p.getText();
                    modelEnd = (int) p.currentLocation().getByteOffset();
                }
                case "stream" -> stream = bool(v, p, "stream");
                case "stream_options" -> {
                    if (v == JsonToken.START_OBJECT) {
                        hasStreamOptions = true;
                        clientUsage = streamOptions(p, inner);
                    } else if (v != JsonToken.VALUE_NULL) {
                        p.skipChildren();
                        throw invalid("stream_options", "'stream_options' must be an object.");
                    }
                }
                case "messages" -> {
                    if (op == Operation.CHAT && v != JsonToken.VALUE_NULL) {
                        sawMessages = true;
                        messages(p, v, inner);
                    } else {
                        p.skipChildren();
                    }
                }
                case "input" -> {
                    sawInput = v != JsonToken.VALUE_NULL;
                    if (op == Operation.EMBEDDINGS && sawInput && v != JsonToken.VALUE_STRING && v != JsonToken.START_ARRAY) {
                        throw invalid("input", "'input' must be a string or an array.");
                    }
                    p.skipChildren();
                }
                case "prompt" -> {
                    sawPrompt = v != JsonToken.VALUE_NULL;
                    p.skipChildren();
                }
                case "n" -> {
                    if (v != JsonToken.VALUE_NULL && (v != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 1)) {
                        p.skipChildren();
                        throw invalid("n", "'n' must be an integer >= 1.");
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON, "The request body must be a JSON object.");
        }
        int rootEnd = (int) p.currentTokenLocation().getByteOffset();
        if (p.nextToken() != null) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON, "The request body has content after the JSON object.");
        }
        if (model == null) {
            throw GatewayException.param(ErrorKind.MISSING_PARAMETER, "model", "Missing required parameter: 'model'.");
        }
        if (model.isBlank()) {
            throw invalid("model", "'model' must be a non-empty string.");
        }
        switch (op) {
            case CHAT -> requireSeen(sawMessages, "messages");
            case COMPLETIONS -> requireSeen(sawPrompt, "prompt");
            case EMBEDDINGS -> requireSeen(sawInput, "input");
        }
        if (op == Operation.EMBEDDINGS && stream) {
            throw invalid("stream", "Embeddings cannot be streamed.");
        }
        return new ModelRequest(op, model, stream, clientUsage, hasStreamOptions, body, modelStart, modelEnd, rootEnd);
    }

    private static boolean streamOptions(JsonParser p, SeenKeys seen) throws IOException {
        boolean include = false;
        seen.clear();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (!seen.add(name)) {
                throw twice(name, "stream_options");
            }
            JsonToken v = p.nextToken();
            if (name.equals("include_usage")) {
                include = bool(v, p, "stream_options.include_usage");
            } else {
                p.skipChildren();
            }
        }
        return include;
    }

    private static void messages(JsonParser p, JsonToken start, SeenKeys seen) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            p.skipChildren();
            throw invalid("messages", "'messages' must be an array.");
        }
        int i = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String path = "messages[" + i + "]";
            if (t != JsonToken.START_OBJECT) {
                throw invalid(path, "'" + path + "' must be an object.");
            }
            String role = null;
            seen.clear();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (!seen.add(name)) {
                    throw twice(name, path);
                }
                JsonToken v = p.nextToken();
                if (name.equals("role")) {
                    role = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    p.skipChildren();
                } else if (name.equals("content")) {
                    if (v != JsonToken.VALUE_STRING && v != JsonToken.START_ARRAY && v != JsonToken.VALUE_NULL) {
                        throw invalid(path + ".content", "'" + path + ".content' must be a string or an array of content parts.");
                    }
                    p.skipChildren();
                } else {
                    p.skipChildren();
                }
            }
            if (role == null) {
                throw GatewayException.param(ErrorKind.MISSING_PARAMETER, path + ".role",
                        "Missing required parameter: '" + path + ".role'.");
            }
            if (!ROLES.contains(role)) {
                throw invalid(path + ".role", "Invalid value for '" + path + ".role': '" + role
                        + "'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool' and 'function'.");
            }
            i++;
        }
        if (i == 0) {
            throw invalid("messages", "'messages' must contain at least one message.");
        }
    }

    private static boolean bool(JsonToken v, JsonParser p, String param) throws IOException {
        if (v == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (v == JsonToken.VALUE_FALSE || v == JsonToken.VALUE_NULL) {
            return false;
        }
        p.skipChildren();
        throw invalid(param, "'" + param + "' must be a boolean.");
    }

    private static void requireSeen(boolean seen, String field) {
        if (!seen) {
            throw GatewayException.param(ErrorKind.MISSING_PARAMETER, field, "Missing required parameter: '" + field + "'.");
        }
    }

    /** A key given twice: refused, since the provider may read the other occurrence than the gateway did. */
    private static GatewayException twice(String name, String parent) {
        String param = parent == null ? name : parent + "." + name;
        return GatewayException.param(ErrorKind.MALFORMED_JSON, param, "The request body gives '" + param
                + "' more than once; each key may appear once in an object.");
    }

    private static GatewayException invalid(String param, String message) {
        return GatewayException.param(ErrorKind.INVALID_PARAMETER, param, message);
    }
}
