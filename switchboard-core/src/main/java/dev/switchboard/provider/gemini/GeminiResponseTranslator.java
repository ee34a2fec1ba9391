package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.usage.Usage;
import java.io.IOException;

/**
 * Turns a Gemini {@code GenerateContentResponse} into a canonical {@code chat.completion}: one choice per
 * candidate, text parts joined into {@code content}, thought parts into {@code reasoning_content}, function calls
 * into {@code tool_calls} (stable ids, see {@link GeminiToolIds}; args re-encoded as the arguments string).
 * A prompt blocked before any candidate ({@code promptFeedback.blockReason}) is one empty choice finished by
 * {@code content_filter}. The {@code model} is Gemini's {@code modelVersion}, or the target's model id when the
 * answer names none. Under {@code parallel_tool_calls: false} only each candidate's first function call is kept.
 * Pure and thread-safe.
 */
public final class GeminiResponseTranslator {
    /** The completion and its usage, read once for accounting. */
    public record Translated(ObjectNode completion, Usage usage) {
        public byte[] bytes() {
            try {
                return Json.MAPPER.writeValueAsBytes(completion);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private GeminiResponseTranslator() {}

    /** @param created the {@code created} timestamp (epoch seconds); Gemini's response carries none */
    public static Translated toOpenAi(byte[] body, long created) {
        return toOpenAi(body, "", false, created);
    }

    /**
     * @param model the target's model id, named when the answer carries no {@code modelVersion}
     * @param firstCallOnly pass on only the first function call of each candidate ({@code parallel_tool_calls: false})
     */
    public static Translated toOpenAi(byte[] body, String model, boolean firstCallOnly, long created) {
        JsonNode response;
        try {
            response = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            response = null;
        }
        if (response == null || !response.isObject()
                || !(response.path("candidates").isArray() || response.has("promptFeedback") || response.has("usageMetadata"))) {
            throw new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, "The provider's response is not a Gemini GenerateContentResponse.");
        }
        return toOpenAi(response, model, firstCallOnly, created);
    }

    static Translated toOpenAi(JsonNode response, String model, boolean firstCallOnly, long created) {
        String responseId = response.path("responseId").asText("");
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", responseId.isEmpty() ? "" : "chatcmpl-" + responseId);
        out.put("object", "chat.completion");
        out.put("created", created);
        out.put("model", modelOf(response, model));
        ArrayNode choices = out.putArray("choices");
        JsonNode candidates = response.path("candidates");
        if (!candidates.isArray() || candidates.isEmpty()) {
            ObjectNode choice = choices.addObject();
            choice.put("index", 0);
            ObjectNode msg = choice.putObject("message");
            msg.put("role", "assistant");
            msg.put("content", "");
            choice.putNull("logprobs");
            choice.put("finish_reason", response.path("promptFeedback").has("blockReason") ? "content_filter" : "stop");
        }
        for (int i = 0; i < candidates.size(); i++) {
            JsonNode cand = candidates.get(i);
            int index = cand.path("index").asInt(i);
            choices.add(choice(cand, index, responseId, firstCallOnly));
        }
        GeminiUsage usage = new GeminiUsage();
        usage.merge(response.get("usageMetadata"));
        out.set("usage", usage.toOpenAi());
        return new Translated(out, usage.toUsage());
    }

    /** The model Gemini names ({@code modelVersion}, a non-empty string), else {@code fallback}. */
    static String modelOf(JsonNode response, String fallback) {
        JsonNode v = response.path("modelVersion");
        String reported = v.isTextual() ? v.asText() : ""; // a number or an object names no model
        return reported.isEmpty() ? fallback : reported;
    }

    private static ObjectNode choice(JsonNode cand, int index, String responseId, boolean firstCallOnly) {
        StringBuilder text = null;
        StringBuilder reasoning = null;
        ArrayNode toolCalls = null;
        for (JsonNode part : cand.path("content").path("parts")) {
            if (part.has("functionCall")) {
                if (firstCallOnly && toolCalls != null) {
                    continue; // the caller asked for one call per answer; Gemini cannot be told, so the rest stay here
                }
                toolCalls = toolCalls != null ? toolCalls : Json.MAPPER.createArrayNode();
                toolCalls.add(toolCall(part, responseId, index, toolCalls.size()));
            } else if (part.path("text").isTextual()) {
                if (part.path("thought").asBoolean(false)) {
                    reasoning = (reasoning == null ? new StringBuilder() : reasoning).append(part.get("text").asText());
                } else {
                    text = (text == null ? new StringBuilder() : text).append(part.get("text").asText());
                }
            }
        }
        ObjectNode choice = Json.MAPPER.createObjectNode();
        choice.put("index", index);
        ObjectNode msg = choice.putObject("message");
        msg.put("role", "assistant");
        String reason = GeminiFinishReason.map(cand.path("finishReason").asText(null), toolCalls != null);
        msg.put("content", text != null ? text.toString() : "content_filter".equals(reason) && toolCalls == null ? "" : null);
        if (toolCalls != null) {
            msg.set("tool_calls", toolCalls);
        }
        if (reasoning != null) {
            msg.put("reasoning_content", reasoning.toString());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", reason == null ? "stop" : reason);
        return choice;
    }

    /** An OpenAI tool call for a part holding a functionCall. */
    static ObjectNode toolCall(JsonNode part, String responseId, int candidate, int call) {
        JsonNode fc = part.get("functionCall");
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("id", GeminiToolIds.make(responseId, candidate, call, fc.path("id").asText(null), part.path("thoughtSignature").asText(null)));
        c.put("type", "function");
        ObjectNode f = c.putObject("function");
        f.put("name", fc.path("name").asText(""));
        f.put("arguments", write(fc.path("args").isObject() ? fc.get("args") : Json.MAPPER.createObjectNode()));
        return c;
    }

    private static String write(JsonNode n) {
        try {
            return Json.MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
