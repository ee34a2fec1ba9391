package dev.switchboard.routing.condition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** Reads operator operands from config nodes, turning each bad one into a problem message. */
final class Operands {
    private Operands() {}

    /** How a node is quoted in a message. */
    static String show(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isTextual()) {
            return "'" + node.textValue() + "'";
        }
        if (node.isArray()) {
            return "a list " + node;
        }
        if (node.isObject()) {
            return "a map " + node;
        }
        return node.toString();
    }

    /** A number, or NaN when the node is not one (numeric strings such as "8000" are accepted). */
    static double number(JsonNode node) {
        if (node == null) {
            return Double.NaN;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return node.isTextual() ? Numbers.parse(node.textValue()) : Double.NaN;
    }

    /** TRUE, FALSE, or null when the node is neither a boolean nor "true"/"false". */
    static Boolean bool(JsonNode node) {
        if (node != null && node.isBoolean()) {
            return node.booleanValue();
        }
        if (node != null && node.isTextual()) {
            String s = node.textValue().trim().toLowerCase(Locale.ROOT);
            if (s.equals("true") || s.equals("false")) {
                return s.equals("true");
            }
        }
        return null;
    }

    /** A scalar as text: strings as they are, numbers and booleans as written. Null for containers and null. */
    static String text(JsonNode node) {
        if (node == null || node.isContainerNode() || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.asText();
    }
}
