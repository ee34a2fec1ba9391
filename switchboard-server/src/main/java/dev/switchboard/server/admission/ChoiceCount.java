package dev.switchboard.server.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * How many answers one request asks the provider to generate: the largest top-level {@code n} or {@code best_of}
 * (legacy completions generate {@code best_of} and return {@code n}), at least 1. The provider bills every one, so
 * the reservation's output is multiplied by it. A quick byte check skips the parse for the usual body without them.
 */
public final class ChoiceCount {
    /** Far above any provider's limit (OpenAI: 128); keeps the worst case's arithmetic away from overflow. */
    static final long MAX = 10_000;
    private static final JsonFactory JSON = new JsonFactory();

    private ChoiceCount() {
    }

    public static long of(byte[] body) {
        if (body == null || !mayName(body)) {
            return 1;
        }
        long most = 1;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return 1;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ((field.equals("n") || field.equals("best_of")) && value.isNumeric()) {
                    // duplicates: the provider may read either, so the larger counts; fractions round up
                    most = Math.max(most, (long) Math.min(MAX, Math.ceil(p.getDoubleValue())));
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return most; // the decoder validated the body; a parse failure here changes nothing
        }
        return most;
    }

    /** Whether the bytes contain {@code "n"}, {@code "best_of"} or a {@code \}{@code u} escape (a key may be spelled so). */
    private static boolean mayName(byte[] b) {
        for (int i = 0; i + 2 < b.length; i++) {
            byte c = b[i];
            if (c == '"') {
                if (b[i + 1] == 'n' && b[i + 2] == '"') {
                    return true;
                }
                if (b[i + 1] == 'b' && i + 8 < b.length && b[i + 2] == 'e' && b[i + 3] == 's' && b[i + 4] == 't'
                        && b[i + 5] == '_' && b[i + 6] == 'o' && b[i + 7] == 'f' && b[i + 8] == '"') {
                    return true;
                }
            } else if (c == '\\' && b[i + 1] == 'u') {
                return true;
            }
        }
        return false;
    }
}
