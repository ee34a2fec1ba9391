package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.provider.CanonicalJson;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.StreamDecoder;
import dev.switchboard.stream.StreamEvent;
import dev.switchboard.usage.Usage;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Decodes one Gemini {@code streamGenerateContent?alt=sse} stream into typed {@link StreamEvent}s.
 * Every event is a whole {@code GenerateContentResponse} holding the next piece of each candidate.
 * <ul>
 *   <li>Each choice starts before its first piece; text and thought text follow as they arrive.</li>
 *   <li>Gemini sends each functionCall whole, so each becomes one tool-call delta with its index (0, 1, 2… per
 *       choice), a stable id, the name and the complete arguments. Under {@code parallel_tool_calls: false} only
 *       a choice's first call is passed on.</li>
 *   <li>The answer names Gemini's {@code modelVersion}, or the target's model id while Gemini has named none: a
 *       new {@link StreamEvent.Started} when the name (or the response id) changes.</li>
 *   <li>Each choice gets exactly one {@link StreamEvent.Finished}; the stream is complete once a candidate carried a
 *       finishReason (or the prompt was blocked). Usage goes out as each event reports it, and once more at the end
 *       ({@link #onEnd}), since usage may be reported with or after the last candidate piece.</li>
 *   <li>An error object in the stream is thrown as a {@link dev.switchboard.error.GatewayException}.</li>
 * </ul>
 * One instance per stream; not thread-safe. Pure: the caller feeds events and takes the typed events.
 */
public final class GeminiStreamDecoder implements StreamDecoder {
    /** What one choice has said so far. */
    private static final class Choice {
        boolean roleSent;
        boolean calledTools;
        int nextToolIndex;
        boolean finished;
    }

    private final ProviderEndpoint provider;
    private final long created;
    private final boolean firstCallOnly;
    private final GeminiUsage usage = new GeminiUsage();
    private final Map<Integer, Choice> choices = new HashMap<>();
    private String responseId = "";
    private String model;
    /** The id and model the last {@link StreamEvent.Started} named (null before the first). */
    private String startedId;
    private String startedModel;
    private boolean completed;
    private boolean endWritten;

    public GeminiStreamDecoder(ProviderEndpoint provider, long created) {
        this(provider, "", false, created);
    }

    /**
     * @param model the target's model id, named until (and unless) Gemini names its {@code modelVersion}
     * @param firstCallOnly pass on only the first function call of each choice ({@code parallel_tool_calls: false})
     */
    public GeminiStreamDecoder(ProviderEndpoint provider, String model, boolean firstCallOnly, long created) {
        this.provider = provider;
        this.model = model;
        this.firstCallOnly = firstCallOnly;
        this.created = created;
    }

    /** @param model the target's model id (see the constructor) */
    public static GeminiStreamDecoder forRequest(ModelRequest req, ProviderEndpoint provider, String model, long created) {
        return new GeminiStreamDecoder(provider, model, GeminiTools.firstCallOnly(req.body()), created);
    }

    /** The usage so far; null until the provider reported any. */
    @Override
    public Usage usage() {
        return usage.reported() ? usage.toUsage() : null;
    }

    /** Whether a candidate finished (or the prompt was blocked); a stream that ends before that was cut off. */
    @Override
    public boolean completed() {
        return completed;
    }

    @Override
    public void onEvent(SseEvent event, Consumer<StreamEvent> out) {
        if (event.data() == null || event.data().isBlank()) {
            return;
        }
        JsonNode data = CanonicalJson.eventObject(provider, event.data());
        if (data.path("error").isObject()) {
            throw GeminiErrorMapper.fromStreamEvent(provider, data);
        }
        if (responseId.isEmpty()) {
            responseId = data.path("responseId").asText("");
        }
        model = GeminiResponseTranslator.modelOf(data, model);
        JsonNode reported = data.get("usageMetadata");
        usage.merge(reported);
        JsonNode candidates = data.path("candidates");
        if ((!candidates.isArray() || candidates.isEmpty()) && data.path("promptFeedback").has("blockReason")) {
            Choice c = choice(0, out);
            finish(0, c, "content_filter", out);
            completed = true;
        } else {
            for (int i = 0; i < candidates.size(); i++) {
                candidate(candidates.get(i), i, out);
            }
        }
        if (reported != null && reported.isObject()) {
            out.accept(usageEvent());
        }
    }

    private void candidate(JsonNode cand, int position, Consumer<StreamEvent> out) {
        int index = cand.path("index").asInt(position);
        Choice c = choice(index, out);
        for (JsonNode part : cand.path("content").path("parts")) {
            if (part.has("functionCall")) {
                if (firstCallOnly && c.calledTools) {
                    continue; // one call per answer was asked for: later calls, in this event or later ones, stay here
                }
                ObjectNode call = GeminiResponseTranslator.toolCall(part, responseId, index, c.nextToolIndex);
                JsonNode fn = call.get("function");
                out.accept(new StreamEvent.ToolCallDelta(index, c.nextToolIndex++, call.get("id").asText(),
                        fn.get("name").asText(), fn.get("arguments").asText()));
                c.calledTools = true;
            } else if (part.path("text").isTextual() && !part.get("text").asText().isEmpty()) {
                String text = part.get("text").asText();
                out.accept(part.path("thought").asBoolean(false) ? new StreamEvent.ReasoningDelta(index, text)
                        : new StreamEvent.TextDelta(index, text));
            }
        }
        String reason = GeminiFinishReason.map(cand.path("finishReason").asText(null), c.calledTools);
        if (reason != null) {
            finish(index, c, reason, out);
            completed = true;
        }
    }

    /** The final usage once the upstream stream has ended whole (zeros if Gemini reported none). */
    @Override
    public void onEnd(Consumer<StreamEvent> out) {
        if (endWritten || !completed) {
            return;
        }
        endWritten = true;
        out.accept(usageEvent());
    }

    /** Gemini counts thinking: the canonical usage names reasoning tokens. */
    private StreamEvent.UsageReported usageEvent() {
        return new StreamEvent.UsageReported(usage.toUsage(), false, true);
    }

    private Choice choice(int index, Consumer<StreamEvent> out) {
        String id = responseId.isEmpty() ? "" : "chatcmpl-" + responseId;
        if (!id.equals(startedId) || !Objects.equals(model, startedModel)) {
            startedId = id;
            startedModel = model;
            out.accept(new StreamEvent.Started(id, model, created));
        }
        Choice c = choices.computeIfAbsent(index, k -> new Choice());
        if (!c.roleSent) {
            c.roleSent = true;
            out.accept(new StreamEvent.ChoiceStarted(index));
        }
        return c;
    }

    private void finish(int index, Choice c, String reason, Consumer<StreamEvent> out) {
        if (c.finished) {
            return;
        }
        c.finished = true;
        out.accept(new StreamEvent.Finished(index, reason));
    }
}
