package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which top-level fields of a canonical request a native dialect can honour: the fields it translates, and fields
 * that ask for nothing at a neutral value (e.g. {@code n: 1}). Every other non-null field is unsupported; what
 * then happens is {@link ParameterGate}'s decision. Immutable, thread-safe.
 *
 * @param neutral a field's neutral value as JSON text; numbers compare by value ({@code 1} equals {@code 1.0})
 */
public record ParameterTable(Set<String> translated, Map<String, String> neutral) {

    /** The unsupported fields of the request, in request order. */
    public List<String> unsupported(JsonNode body) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            String name = e.getKey();
            JsonNode value = e.getValue();
            if (translated.contains(name) || value.isNull() || isNeutral(value, neutral.get(name))) {
                continue;
            }
            found.add(name);
        }
        return found;
    }

    private static boolean isNeutral(JsonNode value, String neutral) {
        if (neutral == null) {
            return false;
        }
        if (value.isNumber()) {
            return value.decimalValue().compareTo(new BigDecimal(neutral)) == 0;
        }
        return value.toString().equals(neutral);
    }
}
