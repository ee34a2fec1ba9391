package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.openai.OpenAiRequestDecoder;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import java.io.IOException;

/**
 * Converts an Anthropic Messages request into the canonical (OpenAI Chat Completions) request:
 * {@code system} becomes the first message, content blocks become messages and parts (see
 * {@link AnthropicContentDecoder}), tools and tool_choice become function tools, and the sampling fields map one to
 * one. {@code thinking} is kept as the canonical extension field of the same name, which the Anthropic upstream
 * sends as is; {@code output_config.format} becomes {@code response_format} (see {@link AnthropicOutputFormat}).
 * Fields with no canonical counterpart ({@code top_k}, {@code service_tier}, ...) are dropped.
 * Stateless and thread-safe.
 */
public final class AnthropicRequestDecoder {
    private AnthropicRequestDecoder() {}

    /** A Messages request; {@code max_tokens} is required, as by Anthropic. */
    public static ModelRequest decode(byte[] body) {
        return decode(body, true);
    }

    /** @param requireMaxTokens false for count_tokens, which takes the same body without a limit */
    public static ModelRequest decode(byte[] body, boolean requireMaxTokens) {
        ObjectNode canonical = toCanonical(parse(body), requireMaxTokens);
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(canonical);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // The canonical bytes are checked like any OpenAI request, which also locates the model name in them.
        return OpenAiRequestDecoder.decode(Operation.CHAT, bytes);
    }

    static ObjectNode parse(byte[] body) {
        if (body.length == 0) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON, "The request body is empty; expected a JSON object.");
        }
        OpenAiRequestDecoder.checkUtf8(body);
        JsonNode root;
        try {
            // strict: a duplicate key anywhere is refused (the passthrough sends these bytes to a provider that
            // may read the first occurrence where this tree keeps the last)
            root = Json.STRICT_READER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON, "The request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON, "The request body is not valid JSON.");
        }
        if (root == null || !root.isObject()) {
            throw new GatewayException(ErrorKind.MALFORMED_JSON, "The request body must be a JSON object.");
        }
        return (ObjectNode) root;
    }

    static ObjectNode toCanonical(ObjectNode in, boolean requireMaxTokens) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        JsonNode model = in.get("model");
        if (model == null || model.isNull()) {
            throw AnthropicRequestProblems.missing("model");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw AnthropicRequestProblems.invalid("model", "Input should be a non-empty string");
        }
        out.put("model", model.asText());

        ArrayNode messages = out.putArray("messages");
        AnthropicContentDecoder.system(in.get("system"), messages);
        JsonNode inMessages = in.get("messages");
        if (inMessages == null || inMessages.isNull()) {
            throw AnthropicRequestProblems.missing("messages");
        }
        if (!inMessages.isArray()) {
            throw AnthropicRequestProblems.invalid("messages", "Input should be a valid list");
        }
        if (inMessages.isEmpty()) {
            throw AnthropicRequestProblems.invalid("messages", "at least one message is required");
        }
        for (int i = 0; i < inMessages.size(); i++) {
            AnthropicContentDecoder.message(inMessages.get(i), "messages." + i, messages);
        }

        JsonNode maxTokens = in.get("max_tokens");
        if (maxTokens == null || maxTokens.isNull()) {
            if (requireMaxTokens) {
                throw AnthropicRequestProblems.missing("max_tokens");
            }
        } else if (!maxTokens.canConvertToInt() || !maxTokens.isIntegralNumber() || maxTokens.asInt() < 1) {
            throw AnthropicRequestProblems.invalid("max_tokens", "Input should be an integer greater than or equal to 1");
        } else {
            out.put("max_tokens", maxTokens.asInt());
        }
        copyNumber(in, "temperature", out);
        copyNumber(in, "top_p", out);
        stopSequences(in.get("stop_sequences"), out);
        JsonNode stream = in.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw AnthropicRequestProblems.invalid("stream", "Input should be a valid boolean");
        }
        if (stream != null && stream.asBoolean(false)) {
            out.put("stream", true);
            // Anthropic's message_delta always reports usage, so the canonical stream must carry it.
            out.putObject("stream_options").put("include_usage", true);
        }
        JsonNode thinking = in.get("thinking");
        if (thinking != null && !thinking.isNull()) {
            if (!thinking.isObject() || !thinking.path("type").isTextual()) {
                throw AnthropicRequestProblems.invalid("thinking", "Input should be an object with a 'type'");
            }
            out.set("thinking", thinking.deepCopy());
        }
        JsonNode user = in.path("metadata").get("user_id");
        if (user != null && user.isTextual()) {
            out.put("user", user.asText());
        }
        AnthropicToolsDecoder.tools(in.get("tools"), out);
        AnthropicToolsDecoder.toolChoice(in.get("tool_choice"), out);
        AnthropicOutputFormat.responseFormat(in, out);
        return out;
    }

    private static void copyNumber(ObjectNode in, String field, ObjectNode out) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isNumber()) {
            throw AnthropicRequestProblems.invalid(field, "Input should be a valid number");
        }
        out.set(field, v);
    }

    private static void stopSequences(JsonNode v, ObjectNode out) {
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isArray()) {
            throw AnthropicRequestProblems.invalid("stop_sequences", "Input should be a valid list");
        }
        if (v.isEmpty()) {
            return;
        }
        ArrayNode stop = out.putArray("stop");
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                throw AnthropicRequestProblems.invalid("stop_sequences", "Input should be a list of strings");
            }
            stop.add(s.asText());
        }
    }
}
