package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.store.repository.Budget;
import dev.switchboard.store.repository.Limits;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Strict reading of admin request bodies and query values: unknown fields and wrong types are 400s. */
final class AdminInput {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([smhdw])");
    private static final Set<String> LIMIT_FIELDS = Set.of("requests_per_minute", "tokens_per_minute", "tokens_per_day");
    private static final Set<String> BUDGET_FIELDS = Set.of("usd", "period");

    private AdminInput() {}

    static ObjectNode object(JsonNode body, Set<String> allowed) {
        if (body == null || !body.isObject()) {
            throw AdminException.badRequest("The request body must be a JSON object.");
        }
        checkFields((ObjectNode) body, allowed, "");
        return (ObjectNode) body;
    }

    private static void checkFields(ObjectNode node, Set<String> allowed, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw AdminException.badRequest("Unknown field '" + where + f + "'; expected one of "
                        + allowed.stream().sorted().toList() + ".");
            }
        }
    }

    static String requiredText(ObjectNode body, String field) {
        String v = text(body, field);
        if (v == null || v.isBlank()) {
            throw AdminException.badRequest("'" + field + "' is required.");
        }
        return v.strip();
    }

    static String text(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw AdminException.badRequest("'" + field + "' must be a string.");
        }
        return n.asText();
    }

    static List<String> stringList(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw AdminException.badRequest("'" + field + "' must be an array of strings.");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual() || e.asText().isBlank()) {
                throw AdminException.badRequest("'" + field + "' must be an array of non-empty strings.");
            }
            out.add(e.asText().strip());
        }
        return out;
    }

    static Map<String, String> stringMap(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw AdminException.badRequest("'" + field + "' must be an object of string values.");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getValue().isTextual()) {
                throw AdminException.badRequest("'" + field + "." + e.getKey() + "' must be a string.");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    static Limits limits(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw AdminException.badRequest("'" + field + "' must be an object.");
        }
        ObjectNode o = (ObjectNode) n;
        checkFields(o, LIMIT_FIELDS, field + ".");
        return new Limits(positive(o, "requests_per_minute", field), positive(o, "tokens_per_minute", field),
                positive(o, "tokens_per_day", field));
    }

    private static Long positive(ObjectNode o, String f, String parent) {
        JsonNode n = o.get(f);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() <= 0) {
            throw AdminException.badRequest("'" + parent + "." + f + "' must be a positive integer.");
        }
        return n.asLong();
    }

    /** A missing field is null; an explicit null is {@link #isExplicitNull} (used by PATCH to remove a budget). */
    static Budget budget(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw AdminException.badRequest("'" + field + "' must be an object {usd, period}.");
        }
        ObjectNode o = (ObjectNode) n;
        checkFields(o, BUDGET_FIELDS, field + ".");
        JsonNode usd = o.get("usd");
        if (usd == null || !usd.isNumber() || usd.decimalValue().signum() < 0) {
            throw AdminException.badRequest("'" + field + ".usd' must be a non-negative number.");
        }
        JsonNode period = o.get("period");
        Budget.Period p;
        try {
            p = period == null || period.isNull() ? Budget.Period.MONTH
                    : Budget.Period.valueOf(period.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest("'" + field + ".period' must be one of day, month, total.");
        }
        if (period != null && !period.isTextual() && !period.isNull()) {
            throw AdminException.badRequest("'" + field + ".period' must be one of day, month, total.");
        }
        return new Budget(new BigDecimal(usd.decimalValue().toPlainString()), p);
    }

    static boolean isExplicitNull(ObjectNode body, String field) {
        return body.has(field) && body.get(field).isNull();
    }

    /** {@code 30d}, {@code 12h}, {@code 90m}, {@code 3600s}, {@code 2w}. */
    static Duration duration(String text, String field) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw AdminException.badRequest("'" + field + "' must be a number followed by s, m, h, d or w, e.g. 30d.");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
        if (d.isZero()) {
            throw AdminException.badRequest("'" + field + "' must be longer than zero.");
        }
        return d;
    }

    static Instant instant(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw AdminException.badRequest("'" + field + "' must be an ISO-8601 instant such as 2026-01-31T00:00:00Z.");
        }
    }

    static int intParam(String text, String field, int dflt, int min, int max) {
        if (text == null || text.isBlank()) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(text.strip());
            if (v < min || v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw AdminException.badRequest("'" + field + "' must be an integer from " + min + " to " + max + ".");
        }
    }
}
