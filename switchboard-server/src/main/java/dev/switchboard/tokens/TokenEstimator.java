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
 * Estimates the input tokens of an OpenAI chat (or Anthropic messages, completions, embeddings, responses) body
 * without building a tree: message texts, names and tool calls, tool definitions, plus OpenAI's documented
 * per-message framing. Models that do not use OpenAI's tokenizers are estimated with cl100k_base, which is close
 * enough for limits. The tokeniser's work is bounded (see {@link TextTally}): at most {@link #EXACT_CHARS}
 * characters a request are counted exactly, the rest errs high. Media is charged at documented upper bounds
 * ({@link MediaCharge}); token-id arrays count one token per id. Thread-safe; one instance is meant to be shared.
 */
public final class TokenEstimator {
    /** Framing tokens per message and for priming the reply, as in OpenAI's token counting guide. */
    static final int PER_MESSAGE = 3;
    static final int REPLY_PRIMING = 3;
    static final int PER_NAME = 1;
    /** Framing around each tool definition. */
    static final int PER_TOOL = 8;
    /** Characters of one request tokenised exactly (~64 K tokens of English; at most ~70 ms for the worst text). */
    public static final int EXACT_CHARS = 256 * 1024;
    static final int IMAGE_UPPER_BOUND = MediaCharge.IMAGE_UPPER_BOUND;
    static final int FILE_REFERENCE = MediaCharge.FILE_REFERENCE;

    private static final EncodingRegistry REGISTRY = Encodings.newDefaultEncodingRegistry();
    private static final JsonFactory JSON = new JsonFactory();

    private final Encoding o200k = REGISTRY.getEncoding(EncodingType.O200K_BASE);
    private final Encoding cl100k = REGISTRY.getEncoding(EncodingType.CL100K_BASE);

    /** Tokens of a plain text as the model's tokenizer (or the approximation) counts them (not bounded: tests, small texts). */
    public int count(String model, String text) {
        return text == null || text.isEmpty() ? 0 : encodingFor(model).countTokensOrdinary(text);
    }

    /** Estimate for a request body; falls back to bytes / 4 if unreadable (the decoder refuses those anyway). */
    public RequestEstimate estimate(String model, byte[] body) {
        return estimate(model, body, new TextTally(encodingFor(model), EXACT_CHARS));
    }

    /**
     * The same walk without the tokeniser: every text at 4 tokens per 5 UTF-8 bytes. Costs about one JSON parse of
     * the body, for when exact counting cannot be afforded right now; errs high (about 3x for English).
     */
    public RequestEstimate cheapEstimate(String model, byte[] body) {
        return estimate(model, body, new TextTally(null, 0));
    }

    /** {@link #cheapEstimate(String, byte[])} for models whose media prices do not matter (tests). */
    public RequestEstimate cheapEstimate(byte[] body) {
        return cheapEstimate(null, body);
    }

    private RequestEstimate estimate(String model, byte[] body, TextTally tally) {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new RequestEstimate(body.length / 4, -1);
            }
            return new Walk(tally, model).readTopLevel(p);
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

    /** One pass over one body. */
    private static final class Walk {
        private final TextTally tally;
        private final String model;
        private MediaCharge media;

        Walk(TextTally tally, String model) {
            this.tally = tally;
            this.model = model;
        }

        /** Resolved on the first media part only: most requests have none. */
        private MediaCharge media() {
            if (media == null) {
                media = MediaCharge.forModel(model);
            }
            return media;
        }

        RequestEstimate readTopLevel(JsonParser p) throws IOException {
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
                            input += messages(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "tools", "functions" -> input += tools(p, value);
                    case "prompt", "input", "system", "instructions" -> input += texts(p, value);
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

        private long messages(JsonParser p) throws IOException {
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
                    total += texts(p, value);
                }
            }
            return total;
        }

        private long tools(JsonParser p, JsonToken value) throws IOException {
            if (value != JsonToken.START_ARRAY) {
                p.skipChildren();
                return 0;
            }
            long total = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                total += PER_TOOL + structure(p, p.currentToken());
            }
            return total;
        }

        /**
         * Texts of a value: strings count, content parts' "type" tags do not, token ids count one each, and media
         * is charged by {@link MediaCharge} (the part's "type", read first by convention, tells images from files).
         */
        private long texts(JsonParser p, JsonToken value) throws IOException {
            if (value == JsonToken.VALUE_STRING) {
                return text(p);
            }
            if (value.isNumeric()) {
                return 1; // a token id (prompt/input as token arrays)
            }
            if (!value.isStructStart()) {
                return 0;
            }
            long total = 0;
            String partType = null;
            JsonToken t;
            while ((t = p.nextToken()) != null && !t.isStructEnd()) {
                if (t != JsonToken.FIELD_NAME) {
                    total += texts(p, t);
                    continue;
                }
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "type" -> {
                        partType = v == JsonToken.VALUE_STRING ? p.getText() : null;
                        p.skipChildren();
                    }
                    case "image_url", "image" -> total += media().image(p, v);
                    case "input_audio" -> total += media().audio(p, v);
                    case "file", "source" -> total += media().source(p, v, partType);
                    case "file_data", "data" -> total += media().data(p, v, partType);
                    case "file_id", "file_url", "url" -> {
                        p.skipChildren();
                        total += media().reference(partType);
                    }
                    default -> total += texts(p, v);
                }
            }
            return total;
        }

        /** Tool schemas: field names and string values both reach the model. */
        private long structure(JsonParser p, JsonToken value) throws IOException {
            if (value == JsonToken.VALUE_STRING) {
                return text(p);
            }
            if (!value.isStructStart()) {
                return value.isScalarValue() ? 1 : 0;
            }
            long total = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null && !t.isStructEnd()) {
                if (t == JsonToken.FIELD_NAME) {
                    total += tally.count(p.currentName());
                    total += structure(p, p.nextToken());
                } else {
                    total += structure(p, t);
                }
            }
            return total;
        }

        /** The current string value; long ones are read from the parser's buffer without a String copy. */
        private long text(JsonParser p) throws IOException {
            int length = p.getTextLength();
            if (length <= TextTally.CHUNK) {
                return tally.count(p.getText());
            }
            return tally.count(p.getTextCharacters(), p.getTextOffset(), p.getTextOffset() + length, null);
        }
    }
}
