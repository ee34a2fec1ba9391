package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.UnsupportedParams;
import dev.switchboard.error.GatewayException;
import java.util.List;
import java.util.function.Function;

/**
 * The one place a provider's {@code unsupported_params} setting is applied. A dialect's parameter policy lists the
 * top-level fields of a request it cannot take (in request order, neutral values excluded); under {@code reject}
 * the first is refused with the dialect's 400, under {@code drop} they are removed from a copy of the body and
 * reported, so the caller can name them in a response header. The client's body is never mutated.
 */
public final class ParameterGate {
    /** The body to translate and the parameters removed from it (empty unless dropping). */
    public record Gated(JsonNode body, List<String> dropped) {}

    private ParameterGate() {}

    public static Gated apply(JsonNode body, List<String> unsupported, UnsupportedParams mode,
                              Function<String, GatewayException> refusal) {
        if (unsupported.isEmpty()) {
            return new Gated(body, List.of());
        }
        if (mode != UnsupportedParams.DROP) {
            throw refusal.apply(unsupported.getFirst());
        }
        ObjectNode copy = ((ObjectNode) body).deepCopy();
        copy.remove(unsupported);
        return new Gated(copy, List.copyOf(unsupported));
    }
}
