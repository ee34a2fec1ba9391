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
import java.util.List;
import java.util.Map;

/**
 * ConverseStream events (from {@link BedrockFraming}) → canonical {@code chat.completion.chunk} JSON:
 * <ul>
 *   <li>messageStart → the role chunk (also sent before anything else if messageStart is missing);</li>
 *   <li>contentBlockDelta text / reasoningContent.text → content / reasoning_content deltas;</li>
 *   <li>contentBlockStart toolUse → a tool-call delta with its index (0, 1, 2… in order), id and name and empty
 *       arguments; contentBlockDelta toolUse.input → argument pieces under the same index;</li>
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
    private final BedrockUsage usage = new BedrockUsage();
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private boolean roleSent;
    private boolean finished;
    private boolean metadataSeen;
    private boolean endWritten;

    public BedrockStreamDecoder(ProviderEndpoint provider, boolean includeUsage, String id, String model, long created) {
        this.provider = provider;
        this.includeUsage = includeUsage;
        this.id = id;
        this.model = model;
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
                    int index = toolIndexByBlock.size();
                    toolIndexByBlock.put(n.path("contentBlockIndex").asInt(), index);
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
                    if (!delta.get("text").asText().isEmpty()) {
                        out.add(chunk(Json.MAPPER.createObjectNode().put("content", delta.get("text").asText()), null));
                    }
                } else if (delta.path("toolUse").path("input").isTextual()) {
                    Integer index = toolIndexByBlock.get(n.path("contentBlockIndex").asInt());
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
            case "messageStop" -> {
                role(out);
                if (!finished) {
                    finished = true;
                    out.add(chunk(Json.MAPPER.createObjectNode(), BedrockFinishReason.map(n.path("stopReason").asText(null))));
                }
            }
            case "metadata" -> {
                usage.merge(n.get("usage"));
                metadataSeen = true;
            }
            default -> { } // contentBlockStop, and events added later
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
