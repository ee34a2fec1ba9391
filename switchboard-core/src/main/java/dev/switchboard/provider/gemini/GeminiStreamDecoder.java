package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.provider.CanonicalJson;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.usage.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one Gemini {@code streamGenerateContent?alt=sse} stream into canonical {@code chat.completion.chunk} JSON.
 * Every event is a whole {@code GenerateContentResponse} holding the next piece of each candidate.
 * <ul>
 *   <li>Each choice's first chunk carries the role; text and thought text follow as they arrive.</li>
 *   <li>Gemini sends each functionCall whole, so each becomes one tool-call delta with its index (0, 1, 2… per
 *       choice), a stable id, the name and the complete arguments. Under {@code parallel_tool_calls: false} only
 *       a choice's first call is passed on.</li>
 *   <li>Every chunk names Gemini's {@code modelVersion}, or the target's model id while Gemini has named none.</li>
 *   <li>Each choice gets exactly one {@code finish_reason}; the stream is complete once a candidate carried a
 *       finishReason (or the prompt was blocked). The usage chunk ({@code choices: []}), when the client asked for
 *       it, comes from {@link #end()}, since usage may be reported with or after the last candidate piece.</li>
 *   <li>An error object in the stream is thrown as a {@link GatewayException}.</li>
 * </ul>
 * One instance per stream; not thread-safe. Pure: the caller feeds events and writes the chunks.
 */
public final class GeminiStreamDecoder {
    /** What one choice has said so far. */
    private static final class Choice {
        boolean roleSent;
        boolean calledTools;
        int nextToolIndex;
        boolean finished;
    }

    private final ProviderEndpoint provider;
    private final boolean includeUsage;
    private final long created;
    private final boolean firstCallOnly;
    private final GeminiUsage usage = new GeminiUsage();
    private final Map<Integer, Choice> choices = new HashMap<>();
    private String responseId = "";
    private String model;
    private boolean completed;
    private boolean endWritten;

    /** @param includeUsage emit the final usage chunk (the client asked with stream_options.include_usage) */
    public GeminiStreamDecoder(ProviderEndpoint provider, boolean includeUsage, long created) {
        this(provider, includeUsage, "", false, created);
    }

    /**
     * @param model the target's model id, named until (and unless) Gemini names its {@code modelVersion}
     * @param firstCallOnly pass on only the first function call of each choice ({@code parallel_tool_calls: false})
     */
    public GeminiStreamDecoder(ProviderEndpoint provider, boolean includeUsage, String model, boolean firstCallOnly, long created) {
        this.provider = provider;
        this.includeUsage = includeUsage;
        this.model = model;
        this.firstCallOnly = firstCallOnly;
        this.created = created;
    }

    /** @param model the target's model id (see the constructor) */
    public static GeminiStreamDecoder forRequest(ModelRequest req, ProviderEndpoint provider, String model, long created) {
        return new GeminiStreamDecoder(provider, req.clientRequestedUsage(), model,
                GeminiTools.firstCallOnly(req.body()), created);
    }

    /** The usage so far; null until the provider reported any. */
    public Usage usage() {
        return usage.reported() ? usage.toUsage() : null;
    }

    /** Whether a candidate finished (or the prompt was blocked); a stream that ends before that was cut off. */
    public boolean completed() {
        return completed;
    }

    /** The chunks (JSON text) this event becomes, often one or two. */
    public List<String> decode(SseEvent event) {
        List<String> out = new ArrayList<>(2);
        if (event.data() == null || event.data().isBlank()) {
            return out;
        }
        JsonNode data = CanonicalJson.eventObject(provider, event.data());
        if (data.path("error").isObject()) {
            throw GeminiErrorMapper.fromStreamEvent(provider, data);
        }
        if (responseId.isEmpty()) {
            responseId = data.path("responseId").asText("");
        }
        model = GeminiResponseTranslator.modelOf(data, model);
        usage.merge(data.get("usageMetadata"));
        JsonNode candidates = data.path("candidates");
        if ((!candidates.isArray() || candidates.isEmpty()) && data.path("promptFeedback").has("blockReason")) {
            Choice c = choice(0, out);
            finish(0, c, "content_filter", out);
            completed = true;
            return out;
        }
        for (int i = 0; i < candidates.size(); i++) {
            JsonNode cand = candidates.get(i);
            int index = cand.path("index").asInt(i);
            Choice c = choice(index, out);
            for (JsonNode part : cand.path("content").path("parts")) {
                if (part.has("functionCall")) {
                    if (firstCallOnly && c.calledTools) {
                        continue; // one call per answer was asked for: later calls, in this event or later ones, stay here
                    }
                    ObjectNode call = GeminiResponseTranslator.toolCall(part, responseId, index, c.nextToolIndex);
                    call.put("index", c.nextToolIndex++);
                    c.calledTools = true;
                    ObjectNode delta = Json.MAPPER.createObjectNode();
                    delta.putArray("tool_calls").add(reorder(call));
                    out.add(chunk(index, delta, null));
                } else if (part.path("text").isTextual() && !part.get("text").asText().isEmpty()) {
                    String field = part.path("thought").asBoolean(false) ? "reasoning_content" : "content";
                    out.add(chunk(index, Json.MAPPER.createObjectNode().put(field, part.get("text").asText()), null));
                }
            }
            String reason = GeminiFinishReason.map(cand.path("finishReason").asText(null), c.calledTools);
            if (reason != null) {
                finish(index, c, reason, out);
                completed = true;
            }
        }
        return out;
    }

    /** What goes out once the upstream stream has ended: the usage chunk, if the client asked for it. */
    public List<String> end() {
        if (endWritten || !includeUsage || !completed) {
            return List.of();
        }
        endWritten = true;
        ObjectNode c = CanonicalJson.chunkHeader(responseId.isEmpty() ? "" : "chatcmpl-" + responseId, created, model);
        c.putArray("choices");
        c.set("usage", usage.toOpenAi());
        return List.of(CanonicalJson.text(c));
    }

    private Choice choice(int index, List<String> out) {
        Choice c = choices.computeIfAbsent(index, k -> new Choice());
        if (!c.roleSent) {
            c.roleSent = true;
            ObjectNode delta = Json.MAPPER.createObjectNode();
            delta.put("role", "assistant");
            delta.put("content", "");
            out.add(chunk(index, delta, null));
        }
        return c;
    }

    private void finish(int index, Choice c, String reason, List<String> out) {
        if (c.finished) {
            return;
        }
        c.finished = true;
        out.add(chunk(index, Json.MAPPER.createObjectNode(), reason));
    }

    /** index first, as OpenAI writes it. */
    private static ObjectNode reorder(ObjectNode call) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.set("index", call.get("index"));
        o.set("id", call.get("id"));
        o.set("type", call.get("type"));
        o.set("function", call.get("function"));
        return o;
    }

    private String chunk(int index, ObjectNode delta, String finishReason) {
        ObjectNode c = CanonicalJson.chunkHeader(responseId.isEmpty() ? "" : "chatcmpl-" + responseId, created, model);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", index);
        choice.set("delta", delta);
        choice.put("finish_reason", finishReason);
        return CanonicalJson.text(c);
    }
}
