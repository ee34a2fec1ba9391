package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.provider.CanonicalJson;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.usage.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ConverseStream events (from {@link BedrockFraming}) → canonical {@code chat.completion.chunk} JSON:
 * <ul>
 *   <li>messageStart → the role chunk (also sent before anything else if messageStart is missing);</li>
 *   <li>contentBlockDelta text / reasoningContent.text → content / reasoning_content deltas;</li>
 *   <li>contentBlockStart toolUse → a tool-call delta with its index (0, 1, 2… in order), id and name and empty
 *       arguments; contentBlockDelta toolUse.input → argument pieces under the same index;</li>
 *   <li>read with the request's {@link BedrockAnswerRules}: the forced JSON tool's input deltas are content deltas,
 *       and under parallel_tool_calls false tool blocks after the first are dropped with all their deltas. Text
 *       beside the JSON tool is no part of a JSON answer: while JSON is asked for, text is held back, dropped once
 *       the tool starts, and passed on at messageStop only if the model never called it;</li>
 *   <li>messageStop → the one finish_reason (the stream is then complete); metadata → usage (and the stream has
 *       said its last word). The usage chunk, when the client asked for it, comes from {@link #end()}.</li>
 *   <li>exception / error messages are thrown as {@link GatewayException}.</li>
 * </ul>
 * One instance per stream; not thread-safe. Pure.
 */
public final class BedrockStreamDecoder {
    private final ProviderEndpoint provider;
    private final boolean includeUsage;
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

    public BedrockStreamDecoder(ProviderEndpoint provider, boolean includeUsage, String id, String model, long created) {
        this(provider, includeUsage, id, BedrockAnswerRules.plain(model), created);
    }

    public BedrockStreamDecoder(ProviderEndpoint provider, boolean includeUsage, String id, BedrockAnswerRules rules, long created) {
        this.provider = provider;
        this.includeUsage = includeUsage;
        this.id = id;
        this.rules = rules;
        this.model = rules.model();
        this.created = created;
    }

    public Usage usage() {
        return usage.reported() ? usage.toUsage() : null;
    }

    /** Whether messageStop arrived; a stream that ends before that was cut off. */
    public boolean completed() {
        return finished;
    }

    /** Whether the metadata event (the last one Bedrock sends) arrived. */
    public boolean ended() {
        return finished && metadataSeen;
    }

    public List<String> decode(String event, String data) {
        List<String> out = new ArrayList<>(2);
        if (event == null) {
            return out;
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
                        return out;
                    }
                    if (rules.singleToolCall() && !toolIndexByBlock.isEmpty()) {
                        droppedBlocks.add(block); // parallel_tool_calls: false, which Converse cannot be told
                        return out;
                    }
                    int index = toolIndexByBlock.size();
                    toolIndexByBlock.put(block, index);
                    ObjectNode call = Json.MAPPER.createObjectNode();
                    call.put("index", index);
                    call.put("id", use.path("toolUseId").asText());
                    call.put("type", "function");
                    ObjectNode fn = call.putObject("function");
                    fn.put("name", use.path("name").asText());
                    fn.put("arguments", "");
                    ObjectNode delta = Json.MAPPER.createObjectNode();
                    delta.putArray("tool_calls").add(call);
                    out.add(chunk(delta, null));
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
                        out.add(chunk(Json.MAPPER.createObjectNode().put("content", text), null));
                    }
                } else if (delta.path("toolUse").path("input").isTextual()) {
                    int block = n.path("contentBlockIndex").asInt();
                    if (droppedBlocks.contains(block)) {
                        return out;
                    }
                    if (block == structuredBlock) {
                        structured(delta.path("toolUse").path("input").asText(), out);
                        return out;
                    }
                    Integer index = toolIndexByBlock.get(block);
                    if (index == null) {
                        throw broken("a toolUse delta for a block that never started");
                    }
                    ObjectNode call = Json.MAPPER.createObjectNode();
                    call.put("index", index);
                    call.putObject("function").put("arguments", delta.path("toolUse").path("input").asText());
                    ObjectNode d = Json.MAPPER.createObjectNode();
                    d.putArray("tool_calls").add(call);
                    out.add(chunk(d, null));
                } else if (delta.path("reasoningContent").path("text").isTextual()) {
                    out.add(chunk(Json.MAPPER.createObjectNode()
                            .put("reasoning_content", delta.path("reasoningContent").path("text").asText()), null));
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
                        out.add(chunk(Json.MAPPER.createObjectNode().put("content", heldText.toString()), null));
                        heldText = null;
                    }
                    out.add(chunk(Json.MAPPER.createObjectNode(),
                            rules.finishReason(n.path("stopReason").asText(null), !toolIndexByBlock.isEmpty())));
                }
            }
            case "metadata" -> {
                usage.merge(n.get("usage"));
                metadataSeen = true;
            }
            default -> { } // events added later
        }
        return out;
    }

    /** What goes out once the stream has ended: the usage chunk, if the client asked for it. */
    public List<String> end() {
        if (endWritten || !includeUsage || !finished) {
            return List.of();
        }
        endWritten = true;
        ObjectNode c = CanonicalJson.chunkHeader(id, created, model);
        c.putArray("choices");
        c.set("usage", usage.toOpenAi());
        return List.of(CanonicalJson.text(c));
    }

    private void hold(String text) {
        if (structuredBlock >= 0 || text.isEmpty()) {
            return; // the JSON tool has started: text is no part of the answer
        }
        heldText = heldText == null ? new StringBuilder() : heldText;
        heldText.append(text);
    }

    private void structured(String json, List<String> out) {
        if (!json.isEmpty()) {
            structuredWritten = true;
            out.add(chunk(Json.MAPPER.createObjectNode().put("content", json), null));
        }
    }

    private void role(List<String> out) {
        if (!roleSent) {
            roleSent = true;
            out.add(chunk(Json.MAPPER.createObjectNode().put("role", "assistant").put("content", ""), null));
        }
    }

    private String chunk(ObjectNode delta, String finishReason) {
        ObjectNode c = CanonicalJson.chunkHeader(id, created, model);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.put("finish_reason", finishReason);
        return CanonicalJson.text(c);
    }

    private GatewayException broken(String what) {
        return new GatewayException(ErrorKind.UPSTREAM_STREAM_BROKEN, "Provider '" + provider.name() + "' sent " + what + ".");
    }
}
