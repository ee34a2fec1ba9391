package dev.switchboard.stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import dev.switchboard.usage.Usage;
import java.util.Objects;

/**
 * A whole answer in the canonical shape (an OpenAI {@code chat.completion}, {@code text_completion} or embedding
 * list, as the operation is), with its usage (null when unknown). The engine encodes it for the client's dialect,
 * and streams it when the client asked for a stream.
 *
 * @param replay null for an answer the stage made; else what the answer replays (a cache hit), which the engine
 *               records and accounts as such
 */
public record StageAnswer(byte[] body, Usage usage, Replay replay) {
    public StageAnswer {
        Objects.requireNonNull(body, "body");
    }

    /** An answer the stage made itself (not a replay). */
    public StageAnswer(byte[] body, Usage usage) {
        this(body, usage, null);
    }

    /**
     * An answer a target made earlier, replayed instead of calling a provider: the usage record marks it as a replay
     * (a cache hit) with zero upstream cost and the cost it saved (its usage at {@code madeBy}'s price).
     *
     * @param madeBy       the target that made it, {@code provider/upstream-model}
     * @param countsTokens its tokens count against the caller's token limits (never its money); else the replay
     *                     counts as a request only
     */
    public record Replay(String madeBy, boolean countsTokens) {
        public Replay {
            Objects.requireNonNull(madeBy, "madeBy");
        }
    }

    /** This answer, marked as a replay. */
    public StageAnswer asReplay(Replay r) {
        return new StageAnswer(body, usage, r);
    }

    /** A one-choice chat completion saying {@code text}. */
    public static StageAnswer text(String id, String model, String text, Usage usage) {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("id", id);
        c.put("object", "chat.completion");
        c.put("created", System.currentTimeMillis() / 1000);
        c.put("model", model);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", text);
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        if (usage != null) {
            ObjectNode u = c.putObject("usage");
            u.put("prompt_tokens", usage.promptTokens());
            u.put("completion_tokens", usage.completionTokens());
            u.put("total_tokens", usage.totalTokens());
        }
        try {
            return new StageAnswer(Json.MAPPER.writeValueAsBytes(c), usage);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The answer as a JSON tree (a copy each call: change it freely). */
    public ObjectNode tree() {
        try {
            return (ObjectNode) Json.MAPPER.readTree(body);
        } catch (java.io.IOException | ClassCastException e) {
            throw new IllegalStateException("the answer is not a JSON object", e);
        }
    }
}
