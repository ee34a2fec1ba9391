package dev.switchboard.cache;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import java.io.IOException;
import java.util.Set;

/**
 * What may be cached. Never: errors, {@code content_filter} endings, refusals, unfinished answers, requests with
 * fields of the client's dialect that the canonical request does not hold (their values are not in the key).
 * Only when configured: answers that call tools ({@code toolCalls}), and sampled requests ({@code sampled}) —
 * {@code temperature > 0}, or no temperature at all, since OpenAI's default is 1: caching those would serve one
 * draw of a distribution to every later caller. Each check returns why not (a short reason for logs and metrics),
 * or null when the thing may be cached.
 */
public record CachePolicy(boolean toolCalls, boolean sampled) {
    /** Deterministic answers without tool calls: the default. */
    public static final CachePolicy DEFAULT = new CachePolicy(false, false);

    /** Why {@code request}'s answer must not be cached, or null. */
    public String refuseRequest(ModelRequest request) {
        if (!request.dialectOnly().isEmpty()) {
            return "dialect_only_fields";
        }
        JsonNode body = topLevel(request.raw());
        // what typed stream events do not carry: a stored answer could not give it back when replayed as a stream
        if (body.path("logprobs").asBoolean(false) || body.hasNonNull("top_logprobs")) {
            return "logprobs";
        }
        if (body.hasNonNull("audio") || body.path("modalities").toString().contains("\"audio\"")) {
            return "audio";
        }
        if (request.operation() == Operation.EMBEDDINGS || sampled) {
            return null; // embeddings are not sampled
        }
        JsonNode t = body.get("temperature");
        if (t == null || t.isNull()) {
            return "sampled";
        }
        return t.isNumber() && t.decimalValue().signum() == 0 ? null : "sampled";
    }

    private static final Set<String> READ = Set.of("temperature", "logprobs", "top_logprobs", "audio",
            "modalities");

    /**
     * The top-level fields this policy reads, skipping the rest unparsed: the request's tree is never built for it
     * (the OpenAI-to-OpenAI path has none, and the messages may be megabytes).
     */
    private static JsonNode topLevel(byte[] raw) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        try (JsonParser p = Json.MAPPER.createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (READ.contains(name)) {
                    out.set(name, Json.SUBTREE_READER.readTree(p));
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("the request body is not valid JSON", e);
        }
        return out;
    }

    /** Why this canonical answer must not be cached, or null. */
    public String refuseAnswer(byte[] canonical) {
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(canonical);
        } catch (IOException e) {
            return "not_json";
        }
        return refuseAnswer(answer);
    }

    /** Why this canonical answer (a chat or text completion, or an embedding list) must not be cached, or null. */
    public String refuseAnswer(JsonNode answer) {
        if (answer == null || !answer.isObject() || answer.has("error")) {
            return "error";
        }
        if ("list".equals(answer.path("object").asText())) {
            return answer.path("data").isArray() && !answer.path("data").isEmpty() ? null : "empty";
        }
        JsonNode choices = answer.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            return "empty";
        }
        for (JsonNode choice : choices) {
            String finish = choice.path("finish_reason").asText("");
            if (finish.isEmpty()) {
                return "unfinished";
            }
            if ("content_filter".equals(finish)) {
                return "content_filter";
            }
            JsonNode refusal = choice.path("message").get("refusal");
            if (refusal != null && !refusal.isNull() && !refusal.asText("").isEmpty()) {
                return "refusal";
            }
            boolean calls = "tool_calls".equals(finish) || "function_call".equals(finish)
                    || !choice.path("message").path("tool_calls").isEmpty()
                    || choice.path("message").hasNonNull("function_call");
            if (calls && !toolCalls) {
                return "tool_calls";
            }
        }
        return null;
    }

    /** Why an answer with this HTTP status must not be cached (every non-2xx is an error), or null. */
    public String refuseStatus(int status) {
        return status / 100 == 2 ? null : "error";
    }
}
