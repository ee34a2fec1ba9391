package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.CanonicalJson;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.StreamDecoder;
import dev.switchboard.stream.StreamEvent;
import dev.switchboard.usage.Usage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * ConverseStream events (from {@link BedrockFraming}) → typed {@link StreamEvent}s:
 * <ul>
 *   <li>messageStart → the answer's and its one choice's start (also before anything else if messageStart is
 *       missing);</li>
 *   <li>contentBlockDelta text / reasoningContent.text → text / reasoning deltas;</li>
 *   <li>contentBlockStart toolUse → a tool-call delta with its index (0, 1, 2… in order), id and name and empty
 *       arguments; contentBlockDelta toolUse.input → argument pieces under the same index;</li>
 *   <li>read with the request's {@link BedrockAnswerRules}: the forced JSON tool's input deltas are text deltas,
 *       and under parallel_tool_calls false tool blocks after the first are dropped with all their deltas. Text
 *       beside the JSON tool is no part of a JSON answer: while JSON is asked for, text is held back, dropped once
 *       the tool starts, and passed on at messageStop only if the model never called it;</li>
 *   <li>messageStop → the one finish (the stream is then complete); metadata → usage (and the stream has said its
 *       last word); the usage once more at the end ({@link #onEnd}), zeros if Bedrock reported none.</li>
 *   <li>exception / error messages are thrown as {@link GatewayException}.</li>
 * </ul>
 * One instance per stream; not thread-safe. Pure.
 */
public final class BedrockStreamDecoder implements StreamDecoder {
    private final ProviderEndpoint provider;
    private final String id;
    private final String model;
    private final long created;
    private final BedrockAnswerRules rules;
    private final BedrockUsage usage = new BedrockUsage();
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    /** Blocks whose events do not reach the client: later tool calls under parallel_tool_calls false, a repeated JSON answer. */
    private final Set<Integer> droppedBlocks = new HashSet<>();
    /** The block carrying the structured (JSON) answer, -1 until it starts; its input deltas are content deltas. */
    private int structuredBlock = -1;
    private boolean structuredWritten;
    /** Text held back while JSON is asked for and the JSON tool has not started (see the class comment). */
    private StringBuilder heldText;
    private boolean roleSent;
    private boolean finished;
    private boolean metadataSeen;
    private boolean endWritten;

    public BedrockStreamDecoder(ProviderEndpoint provider, String id, String model, long created) {
        this(provider, id, BedrockAnswerRules.plain(model), created);
    }

    public BedrockStreamDecoder(ProviderEndpoint provider, String id, BedrockAnswerRules rules, long created) {
        this.provider = provider;
        this.id = id;
        this.rules = rules;
        this.model = rules.model();
        this.created = created;
    }

    @Override
    public Usage usage() {
        return usage.reported() ? usage.toUsage() : null;
    }

    /** Whether messageStop arrived; a stream that ends before that was cut off. */
    @Override
    public boolean completed() {
        return finished;
    }

    /** Whether the metadata event (the last one Bedrock sends) arrived. */
    @Override
    public boolean ended() {
        return finished && metadataSeen;
    }

    @Override
    public void onEvent(SseEvent framed, Consumer<StreamEvent> out) {
        String event = framed.event();
        String data = framed.data();
        if (event == null) {
            return;
        }
        if (event.startsWith("exception:")) {
            throw BedrockErrorMapper.fromStream(provider, event.substring("exception:".length()), data);
        }
        if (event.startsWith("error:")) {
            throw BedrockErrorMapper.fromStream(provider, event.substring("error:".length()), data);
        }
        JsonNode n = CanonicalJson.eventObject(provider, data == null || data.isEmpty() ? "{}" : data);
        switch (event) {
            case "messageStart" -> role(out);
            case "contentBlockStart" -> {
                JsonNode use = n.path("start").path("toolUse");
                if (use.isObject()) {
                    role(out);
                    int block = n.path("contentBlockIndex").asInt();
                    if (rules.isStructured(use.path("name").asText())) {
                        if (structuredBlock < 0) {
                            structuredBlock = block; // its input arrives as the content
                            heldText = null; // whatever the model said around it would make the content invalid JSON
                        } else {
                            droppedBlocks.add(block);
                        }
                        return;
                    }
                    if (rules.singleToolCall() && !toolIndexByBlock.isEmpty()) {
                        droppedBlocks.add(block); // parallel_tool_calls: false, which Converse cannot be told
                        return;
                    }
                    int index = toolIndexByBlock.size();
                    toolIndexByBlock.put(block, index);
                    out.accept(new StreamEvent.ToolCallDelta(0, index, use.path("toolUseId").asText(),
                            use.path("name").asText(), ""));
                }
            }
            case "contentBlockDelta" -> {
                role(out);
                JsonNode delta = n.path("delta");
                if (delta.path("text").isTextual()) {
                    String text = delta.get("text").asText();
                    if (rules.structuredOutput()) {
                        hold(text);
                    } else if (!text.isEmpty()) {
                        out.accept(new StreamEvent.TextDelta(0, text));
                    }
                } else if (delta.path("toolUse").path("input").isTextual()) {
                    int block = n.path("contentBlockIndex").asInt();
                    if (droppedBlocks.contains(block)) {
                        return;
                    }
                    if (block == structuredBlock) {
                        structured(delta.path("toolUse").path("input").asText(), out);
                        return;
                    }
                    Integer index = toolIndexByBlock.get(block);
                    if (index == null) {
                        throw broken("a toolUse delta for a block that never started");
                    }
                    out.accept(new StreamEvent.ToolCallDelta(0, index, null, null, delta.path("toolUse").path("input").asText()));
                } else if (delta.path("reasoningContent").path("text").isTextual()) {
                    String reasoning = delta.path("reasoningContent").path("text").asText();
                    out.accept(new StreamEvent.ReasoningDelta(0, reasoning));
                }
            }
            case "contentBlockStop" -> {
                if (n.path("contentBlockIndex").asInt() == structuredBlock && !structuredWritten) {
                    structured("{}", out); // an empty input still answers with a JSON object
                }
            }
            case "messageStop" -> {
                role(out);
                if (!finished) {
                    finished = true;
                    if (heldText != null && !heldText.isEmpty()) { // the model answered without the JSON tool
                        out.accept(new StreamEvent.TextDelta(0, heldText.toString()));
                        heldText = null;
                    }
                    out.accept(new StreamEvent.Finished(0,
                            rules.finishReason(n.path("stopReason").asText(null), !toolIndexByBlock.isEmpty())));
                }
            }
            case "metadata" -> {
                usage.merge(n.get("usage"));
                metadataSeen = true;
                if (usage.reported()) {
                    out.accept(usageEvent());
                }
            }
            default -> { } // events added later
        }
    }

    /** The final usage once the stream has ended whole (zeros if Bedrock reported none). */
    @Override
    public void onEnd(Consumer<StreamEvent> out) {
        if (endWritten || !finished) {
            return;
        }
        endWritten = true;
        out.accept(usageEvent());
    }

    private StreamEvent.UsageReported usageEvent() {
        return new StreamEvent.UsageReported(usage.toUsage(), false, false);
    }

    private void hold(String text) {
        if (structuredBlock >= 0 || text.isEmpty()) {
            return; // the JSON tool has started: text is no part of the answer
        }
        heldText = heldText == null ? new StringBuilder() : heldText;
        heldText.append(text);
    }

    private void structured(String json, Consumer<StreamEvent> out) {
        if (!json.isEmpty()) {
            structuredWritten = true;
            out.accept(new StreamEvent.TextDelta(0, json));
        }
    }

    private void role(Consumer<StreamEvent> out) {
        if (!roleSent) {
            roleSent = true;
            out.accept(new StreamEvent.Started(id, model, created));
            out.accept(new StreamEvent.ChoiceStarted(0));
        }
    }

    private GatewayException broken(String what) {
        return new GatewayException(ErrorKind.UPSTREAM_STREAM_BROKEN, "Provider '" + provider.name() + "' sent " + what + ".");
    }
}
