package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayException;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The one place a provider's {@code unsupported_params} setting is applied. A dialect's parameter policy lists the
 * top-level fields of a request it cannot take (in request order, neutral values excluded); under {@code reject}
 * the first is refused with the dialect's 400, under {@code drop} they are removed from a copy of the body and
 * reported, so the caller can name them in a response header. The client's body is never mutated.
 */
public final class ParameterGate {
    /** The body to translate and the parameters removed from it (empty unless dropping). */
    public record Gated(JsonNode body, List<String> dropped) {}

    /** What a parameter's name may be to be named in a response header; anything else is refused even under drop. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

    private ParameterGate() {}

    public static Gated apply(JsonNode body, List<String> unsupported, UnsupportedParams mode,
                              Function<String, GatewayException> refusal) {
        if (unsupported.isEmpty()) {
            return new Gated(body, List.of());
        }
        if (mode != UnsupportedParams.DROP) {
            throw refusal.apply(shown(unsupported.getFirst()));
        }
        for (String name : unsupported) {
            if (!PLAIN.matcher(name).matches()) { // a client's field name: never echoed into a header
                throw refusal.apply(shown(name));
            }
        }
        ObjectNode copy = ((ObjectNode) body).deepCopy();
        copy.remove(unsupported);
        return new Gated(copy, List.copyOf(unsupported));
    }

    /** A client's field name as an error message may quote it: control characters escaped, cut to 64 characters. */
    static String shown(String name) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i < name.length() && out.length() < 64; i++) {
            char c = name.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return i < name.length() ? out + "..." : out.toString();
    }
}
