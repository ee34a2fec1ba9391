package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * A deterministic value that matches a JSON schema, as a model asked for structured output or tool arguments
 * would produce: objects with every declared property, strings {@code "<name>-<n>"}, numbers and integers
 * {@code n}, booleans true, arrays of one item, the {@code n}-th enum value (wrapping), the first {@code anyOf} /
 * {@code oneOf} branch that is not null, and {@code $ref}s into {@code $defs}/{@code definitions}. {@code n} is
 * 1 for the first call and 2 for a second parallel one, so two calls differ. Type names are read
 * case-insensitively (Gemini's OpenAPI subset writes {@code STRING}).
 */
public final class SchemaSample {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private SchemaSample() {}

    public static JsonNode of(JsonNode schema, int n) {
        return value(schema, schema, "value", n, 0);
    }

    private static JsonNode value(JsonNode root, JsonNode schema, String name, int n, int depth) {
        if (depth > 8 || schema == null || !schema.isObject()) {
            return F.textNode(name + "-" + n);
        }
        if (schema.has("$ref")) {
            return value(root, resolve(root, schema.get("$ref").asText()), name, n, depth + 1);
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        JsonNode en = schema.path("enum");
        if (en.isArray() && !en.isEmpty()) {
            return en.get((n - 1) % en.size());
        }
        for (String union : new String[] {"anyOf", "oneOf", "allOf"}) {
            for (JsonNode branch : schema.path(union)) {
                if (!"null".equals(branch.path("type").asText())) {
                    return value(root, branch, name, n, depth + 1);
                }
            }
        }
        String type = type(schema);
        switch (type) {
            case "object" -> {
                ObjectNode o = F.objectNode();
                schema.path("properties").properties()
                        .forEach(e -> o.set(e.getKey(), value(root, e.getValue(), e.getKey(), n, depth + 1)));
                return o;
            }
            case "array" -> {
                ArrayNode a = F.arrayNode();
                int count = Math.max(1, schema.path("minItems").asInt(1));
                for (int i = 0; i < count; i++) {
                    a.add(value(root, schema.path("items"), name, n + i, depth + 1));
                }
                return a;
            }
            case "integer" -> {
                return F.numberNode(Math.max(n, schema.path("minimum").asInt(n)));
            }
            case "number" -> {
                return F.numberNode(Math.max((double) n, schema.path("minimum").asDouble(n)) + 0.5);
            }
            case "boolean" -> {
                return F.booleanNode(true);
            }
            case "null" -> {
                return F.nullNode();
            }
            default -> {
                return F.textNode(name + "-" + n);
            }
        }
    }

    /** The schema's type; a list of types counts as its first non-null one, and properties imply an object. */
    private static String type(JsonNode schema) {
        JsonNode t = schema.path("type");
        if (t.isArray()) {
            for (JsonNode x : t) {
                if (!"null".equals(x.asText())) {
                    return x.asText().toLowerCase(Locale.ROOT);
                }
            }
        }
        if (t.isTextual()) {
            return t.asText().toLowerCase(Locale.ROOT);
        }
        return schema.has("properties") ? "object" : schema.has("items") ? "array" : "string";
    }

    private static JsonNode resolve(JsonNode root, String ref) {
        if (!ref.startsWith("#")) {
            return null;
        }
        JsonNode node = root;
        for (String part : ref.substring(1).split("/")) {
            if (!part.isEmpty()) {
                node = node.path(part.replace("~1", "/").replace("~0", "~"));
            }
        }
        return node.isMissingNode() ? null : node;
    }
}
