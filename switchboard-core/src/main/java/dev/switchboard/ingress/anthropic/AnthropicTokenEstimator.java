package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ModelRequest;

/**
 * An estimate of a request's input tokens for {@code /v1/messages/count_tokens}, without a tokenizer (none is
 * on the classpath, and Claude's is not public): one token per 4 characters of text, the common rule of thumb
 * for English with BPE tokenizers, plus a few tokens of framing per message and tool, and a flat 1,600 per
 * image (Anthropic's documented cost of a ~1.15 megapixel image). Rounded up; an estimate, not a bill.
 */
public final class AnthropicTokenEstimator {
    static final int CHARS_PER_TOKEN = 4;
    static final int PER_MESSAGE = 3;
    static final int PER_IMAGE = 1600;

    private AnthropicTokenEstimator() {}

    public static long estimate(ModelRequest canonical) {
        JsonNode body = canonical.body();
        long[] chars = {0};
        long tokens = 0;
        for (JsonNode m : body.path("messages")) {
            tokens += PER_MESSAGE;
            tokens += walk(m, chars);
        }
        for (JsonNode t : body.path("tools")) {
            tokens += PER_MESSAGE;
            tokens += walk(t, chars);
        }
        return tokens + (chars[0] + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    /** Counts the characters of every string value into {@code chars}; returns the flat tokens for images. */
    private static long walk(JsonNode n, long[] chars) {
        if (n.isTextual()) {
            String s = n.asText();
            if (s.startsWith("data:")) {
                return s.startsWith("data:image/") ? PER_IMAGE : 0; // documents: counted poorly either way
            }
            chars[0] += s.length();
            return 0;
        }
        long flat = 0;
        if (n.isContainerNode()) {
            var it = n.fieldNames();
            while (it.hasNext()) {
                String name = it.next();
                if (!name.equals("role") && !name.equals("type") && !name.equals("cache_control") && !name.equals("id")
                        && !name.equals("tool_call_id") && !name.equals("signature")) {
                    flat += walk(n.get(name), chars);
                }
            }
            if (n.isArray()) {
                for (JsonNode c : n) {
                    flat += walk(c, chars);
                }
            }
        }
        return flat;
    }
}
