package dev.switchboard.tokens;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.util.Locale;

/**
 * Estimates the input tokens of an OpenAI chat request body without building a tree: message texts,
 * names and tool calls, tool definitions, plus OpenAI's documented per-message framing. Models that do
 * not use OpenAI's tokenizers are estimated with cl100k_base, which is close enough for limits.
 * Thread-safe; one instance is meant to be shared (the encodings are loaded once per JVM).
 */
public final class TokenEstimator {
    /** Framing tokens per message and for priming the reply, as in OpenAI's token counting guide. */
    static final int PER_MESSAGE = 3;
    static final int REPLY_PRIMING = 3;
    static final int PER_NAME = 1;
    /** A rough flat charge per image part (OpenAI's low-detail price); the real cost depends on size. */
    static final int PER_IMAGE = 85;
    /** Framing around each tool definition. */
    static final int PER_TOOL = 8;

    private static final EncodingRegistry REGISTRY = Encodings.newDefaultEncodingRegistry();
    private static final JsonFactory JSON = new JsonFactory();

    private final Encoding o200k = REGISTRY.getEncoding(EncodingType.O200K_BASE);
    private final Encoding cl100k = REGISTRY.getEncoding(EncodingType.CL100K_BASE);

    /** Tokens of a plain text as the model's tokenizer (or the approximation) counts them. */
    public int count(String model, String text) {
        return text == null || text.isEmpty() ? 0 : encodingFor(model).countTokensOrdinary(text);
    }

    /** Estimate for an OpenAI chat (or completions/embeddings) body; falls back to bytes / 4 if unreadable. */
    public RequestEstimate estimate(String model, byte[] body) {
        Encoding enc = encodingFor(model);
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new RequestEstimate(body.length / 4, -1);
            }
            return readTopLevel(p, enc);
        } catch (IOException | RuntimeException e) {
            return new RequestEstimate(body.length / 4, -1);
        }
    }

    Encoding encodingFor(String model) {
        return usesO200k(model) ? o200k : cl100k;
    }

    static boolean usesO200k(String model) {
        if (model == null) {
            return false;
        }
        String m = model.toLowerCase(Locale.ROOT);
        int slash = m.lastIndexOf('/');
        if (slash >= 0) {
            m = m.substring(slash + 1);
        }
        return m.startsWith("gpt-4o") || m.startsWith("chatgpt-4o") || m.startsWith("gpt-4.1") || m.startsWith("gpt-4.5")
                || m.startsWith("gpt-5") || m.startsWith("gpt-oss") || m.matches("^o\\d.*");
    }

    private RequestEstimate readTopLevel(JsonParser p, Encoding enc) throws IOException {
        long input = 0;
        long maxOutput = -1;
        boolean sawMessages = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "messages" -> {
                    if (value == JsonToken.START_ARRAY) {
                        sawMessages = true;
                        input += messages(p, enc);
                    } else {
                        p.skipChildren();
                    }
                }
                case "tools", "functions" -> input += tools(p, enc, value);
                case "prompt", "input", "system", "instructions" -> input += texts(p, enc, value);
                case "max_tokens", "max_completion_tokens", "max_output_tokens" -> {
                    if (value.isNumeric()) {
                        maxOutput = Math.max(maxOutput, p.getLongValue());
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new RequestEstimate(input + (sawMessages ? REPLY_PRIMING : 0), maxOutput);
    }

    private long messages(JsonParser p, Encoding enc) throws IOException {
        long total = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            total += PER_MESSAGE;
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("name")) {
                    total += PER_NAME;
                }
                total += texts(p, enc, value);
            }
        }
        return total;
    }

    private long tools(JsonParser p, Encoding enc, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return 0;
        }
        long total = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            total += PER_TOOL + structure(p, enc, p.currentToken());
        }
        return total;
    }

    /** Texts of a value: strings count, content parts' "type" tags do not, image/audio data is a flat charge. */
    private long texts(JsonParser p, Encoding enc, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return enc.countTokensOrdinary(p.getText());
        }
        if (!value.isStructStart()) {
            return 0;
        }
        long total = 0;
        JsonToken t;
        while ((t = p.nextToken()) != null && !t.isStructEnd()) {
            if (t == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "type" -> p.skipChildren();
                    case "image_url", "input_audio", "file", "url", "data" -> {
                        p.skipChildren();
                        total += PER_IMAGE;
                    }
                    default -> total += texts(p, enc, v);
                }
            } else {
                total += texts(p, enc, t);
            }
        }
        return total;
    }

    /** Tool schemas: field names and string values both reach the model. */
    private long structure(JsonParser p, Encoding enc, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return enc.countTokensOrdinary(p.getText());
        }
        if (!value.isStructStart()) {
            return value.isScalarValue() ? 1 : 0;
        }
        long total = 0;
        JsonToken t;
        while ((t = p.nextToken()) != null && !t.isStructEnd()) {
            if (t == JsonToken.FIELD_NAME) {
                total += enc.countTokensOrdinary(p.currentName());
                total += structure(p, enc, p.nextToken());
            } else {
                total += structure(p, enc, t);
            }
        }
        return total;
    }
}
