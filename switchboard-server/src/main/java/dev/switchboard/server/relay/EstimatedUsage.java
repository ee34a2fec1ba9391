package dev.switchboard.server.relay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.server.call.Exchange;
import dev.switchboard.usage.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Embeddings whose provider reports no usage (Gemini's embedContent and batchEmbedContents never do): the gateway's
 * own estimate of the input stands in, in the answer's {@code usage} and for limits, budgets and cost, and the
 * exchange is marked so the ledger records the counts as estimated. Embeddings produce no output tokens.
 */
final class EstimatedUsage {
    private static final JsonFactory JSON = new JsonFactory();

    private EstimatedUsage() {}

    /** Whether the answer needs the estimate: a canonical embeddings answer without usage. */
    static boolean needed(Exchange ex, ChatAdapter.Answer answer) {
        return answer.usage() == null && ex.request.operation() == Operation.EMBEDDINGS;
    }

    /** The answer with {@code inputTokens} as its usage; the exchange is marked estimated. */
    static ChatAdapter.Answer apply(Exchange ex, ChatAdapter.Answer answer, long inputTokens) {
        byte[] body = withUsage(answer.body(), inputTokens);
        if (body == null) {
            return answer; // not a JSON object: left as the provider's translator made it
        }
        ex.usageEstimated = true;
        return new ChatAdapter.Answer(body, new Usage(inputTokens, 0, inputTokens, 0, 0));
    }

    /**
     * The body with its top-level {@code usage} replaced by {@code {"prompt_tokens":n,"total_tokens":n}} (added
     * when missing). One streaming pass, no tree: embeddings answers can be megabytes of numbers. Null when the
     * body is not a JSON object.
     */
    static byte[] withUsage(byte[] canonical, long inputTokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(canonical.length + 64);
        try (JsonParser p = JSON.createParser(canonical); JsonGenerator g = JSON.createGenerator(out)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            g.writeStartObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("usage")) {
                    p.skipChildren();
                    continue;
                }
                g.writeFieldName(name);
                g.copyCurrentStructure(p);
            }
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", inputTokens);
            g.writeNumberField("total_tokens", inputTokens);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            return null;
        }
        return out.toByteArray();
    }
}
