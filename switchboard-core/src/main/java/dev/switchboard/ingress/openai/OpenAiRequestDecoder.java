package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import java.io.IOException;
import java.util.Set;

/**
 * Turns an OpenAI-dialect request body into a {@link ModelRequest}, checking the fields the gateway
 * relies on and leaving every other field untouched. Stateless and thread-safe.
 */
public final class OpenAiRequestDecoder {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    private OpenAiRequestDecoder() {}

    public static ModelRequest decode(Operation op, byte[] body) {
        ObjectNode root = parseObject(body);
        String model = requiredString(root, "model");
        boolean stream = optionalBoolean(root, "stream");
        boolean clientUsage = false;
        JsonNode options = root.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw invalid("stream_options", "'stream_options' must be an object.");
            }
            clientUsage = optionalBoolean((ObjectNode) options, "include_usage", "stream_options.include_usage");
        }
        switch (op) {
            case CHAT -> checkMessages(root);
            case COMPLETIONS -> required(root, "prompt");
            case EMBEDDINGS -> checkInput(root);
        }
        JsonNode n = root.get("n");
        if (n != null && !n.isNull() && (!n.isIntegralNumber() || n.asLong() < 1)) {
            throw invalid("n", "'n' must be an integer >= 1.");
        }
        if (op == Operation.EMBEDDINGS && stream) {
            throw invalid("stream", "Embeddings cannot be streamed.");
        }
        return new ModelRequest(op, model, stream, clientUsage, root);
    }

    static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON, "The request body is empty; expected a JSON object.");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON,
                    "The request body is not valid JSON: " + e.getOriginalMessage()
                            + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                            + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON, "The request body could not be read as JSON.");
        }
        if (root == null || !root.isObject()) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON, "The request body must be a JSON object.");
        }
        return (ObjectNode) root;
    }

    private static void checkMessages(ObjectNode root) {
        JsonNode messages = required(root, "messages");
        if (!messages.isArray()) {
            throw invalid("messages", "'messages' must be an array.");
        }
        if (messages.isEmpty()) {
            throw invalid("messages", "'messages' must contain at least one message.");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String path = "messages[" + i + "]";
            if (!m.isObject()) {
                throw invalid(path, "'" + path + "' must be an object.");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw GatewayException.param(ErrorKind.MISSING_PARAMETER, path + ".role",
                        "Missing required parameter: '" + path + ".role'.");
            }
            if (!ROLES.contains(role.asText())) {
                throw invalid(path + ".role", "Invalid value for '" + path + ".role': '" + role.asText()
                        + "'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool' and 'function'.");
            }
            JsonNode content = m.get("content");
            if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
                throw invalid(path + ".content", "'" + path + ".content' must be a string or an array of content parts.");
            }
        }
    }

    private static void checkInput(ObjectNode root) {
        JsonNode input = required(root, "input");
        if (!input.isTextual() && !input.isArray()) {
            throw invalid("input", "'input' must be a string or an array.");
        }
    }

    private static JsonNode required(ObjectNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            throw GatewayException.param(ErrorKind.MISSING_PARAMETER, field, "Missing required parameter: '" + field + "'.");
        }
        return v;
    }

    private static String requiredString(ObjectNode root, String field) {
        JsonNode v = required(root, field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw invalid(field, "'" + field + "' must be a non-empty string.");
        }
        return v.asText();
    }

    private static boolean optionalBoolean(ObjectNode root, String field) {
        return optionalBoolean(root, field, field);
    }

    private static boolean optionalBoolean(ObjectNode root, String field, String param) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw invalid(param, "'" + param + "' must be a boolean.");
        }
        return v.asBoolean();
    }

    private static GatewayException invalid(String param, String message) {
        return GatewayException.param(ErrorKind.INVALID_PARAMETER, param, message);
    }
}
