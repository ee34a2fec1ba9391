package dev.switchboard.routing.condition;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.switchboard.error.NearMiss;
import dev.switchboard.routing.condition.Condition.Comparison;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Parses one field entry of a condition map: {@code field: value} or {@code field: { operator: operand, ... }}. */
final class FieldConditionParser {
    static final List<String> OPERATORS = List.of("==", "!=", "in", "not in", "regex", "<", ">", "<=", ">=");
    /** Spellings from other languages, to point at ours; they are not accepted. */
    private static final Map<String, String> FOREIGN = Map.ofEntries(Map.entry("=", "=="), Map.entry("eq", "=="),
            Map.entry("ne", "!="), Map.entry("neq", "!="), Map.entry("<>", "!="), Map.entry("gt", ">"),
            Map.entry("lt", "<"), Map.entry("gte", ">="), Map.entry("ge", ">="), Map.entry("lte", "<="),
            Map.entry("le", "<="), Map.entry("nin", "not in"), Map.entry("matches", "regex"), Map.entry("=~", "regex"));

    private final Problems problems;

    FieldConditionParser(Problems problems) {
        this.problems = problems;
    }

    Condition parse(String name, JsonNode value, String path) {
        Field field = Fields.resolve(name, path, problems);
        if (field == null) {
            return Condition.NEVER;
        }
        if (value.isArray()) {
            problems.report(path, "a list needs an operator, e.g. { in: " + value + " }");
            return Condition.NEVER;
        }
        if (!value.isObject()) {
            return operator(field, "==", value, path);
        }
        if (value.isEmpty()) {
            problems.report(path, "needs a value or an operator, e.g. { in: [a, b] }");
            return Condition.NEVER;
        }
        List<Condition> parts = new ArrayList<>(value.size());
        Iterator<Map.Entry<String, JsonNode>> it = value.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            parts.add(operator(field, e.getKey(), e.getValue(), path));
        }
        return parts.size() == 1 ? parts.getFirst() : new Condition.All(parts);
    }

    private Condition operator(Field field, String written, JsonNode operand, String path) {
        String op = normalise(written);
        if (!OPERATORS.contains(op)) {
            String hint = FOREIGN.containsKey(op) ? " (did you mean '" + FOREIGN.get(op) + "'?)" : NearMiss.hint(op, OPERATORS);
            problems.report(path, "unknown operator '" + written + "'" + hint + "; operators: " + String.join(", ", OPERATORS));
            return Condition.NEVER;
        }
        return switch (field.type()) {
            case TEXT -> text(field, op, operand, path);
            case BOOLEAN -> bool(field, op, operand, path);
            case NUMBER -> number(field, op, operand, path);
        };
    }

    /** Case and spacing are forgiven; not_in is accepted for not in. */
    private static String normalise(String op) {
        return op.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_]+", " ");
    }

    private Condition text(Field field, String op, JsonNode operand, String path) {
        return switch (op) {
            case "==", "!=" -> {
                if (operand.isContainerNode()) {
                    yield bad(path, "'" + op + "' needs one value, got " + Operands.show(operand)
                            + (operand.isArray() ? "; use 'in' for a list" : ""));
                }
                yield new Condition.TextEquals(field, Operands.text(operand), op.equals("!="));
            }
            case "in", "not in" -> {
                Set<String> values = new HashSet<>();
                if (!listOf(op, operand, path, item -> {
                    String s = Operands.text(item);
                    if (s != null) {
                        values.add(s);
                    }
                    return s != null;
                }, "plain values")) {
                    yield Condition.NEVER;
                }
                yield new Condition.TextIn(field, values, op.equals("not in"));
            }
            case "regex" -> regex(field, operand, path);
            default -> compare(field, op, operand, path);
        };
    }

    private Condition regex(Field field, JsonNode operand, String path) {
        if (!operand.isTextual()) {
            return bad(path, "'regex' needs a pattern string, got " + Operands.show(operand));
        }
        try {
            return new Condition.TextMatches(field, Pattern.compile(operand.textValue()));
        } catch (PatternSyntaxException e) {
            // RE2 syntax: no backreferences or lookaround, which is what keeps matching linear
            return bad(path, "bad regex '" + operand.textValue() + "': " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "") + " (RE2 syntax)");
        }
    }

    private Condition bool(Field field, String op, JsonNode operand, String path) {
        return switch (op) {
            case "==", "!=" -> {
                Boolean b = Operands.bool(operand);
                if (b == null) {
                    yield bad(path, "'" + op + "' on " + field.name() + " needs true or false, got " + Operands.show(operand));
                }
                yield new Condition.FlagEquals(field, b == op.equals("=="));
            }
            case "in", "not in" -> {
                List<Condition> options = new ArrayList<>();
                if (!listOf(op, operand, path, item -> {
                    Boolean b = Operands.bool(item);
                    if (b != null) {
                        options.add(new Condition.FlagEquals(field, b));
                    }
                    return b != null;
                }, "true or false")) {
                    yield Condition.NEVER;
                }
                Condition any = new Condition.Any(options);
                yield op.equals("in") ? any : new Condition.Not(any);
            }
            default -> bad(path, "'" + op + "' does not apply to " + field.name() + ", which is true or false");
        };
    }

    private Condition number(Field field, String op, JsonNode operand, String path) {
        return switch (op) {
            case "in", "not in" -> {
                List<Condition> options = new ArrayList<>();
                if (!listOf(op, operand, path, item -> {
                    double d = Operands.number(item);
                    if (!Double.isNaN(d)) {
                        options.add(new Condition.NumberCompare(field, Comparison.EQ, d));
                    }
                    return !Double.isNaN(d);
                }, "numbers")) {
                    yield Condition.NEVER;
                }
                Condition any = new Condition.Any(options);
                yield op.equals("in") ? any : new Condition.Not(any);
            }
            case "regex" -> bad(path, "'regex' does not apply to " + field.name() + ", which is a number");
            default -> compare(field, op, operand, path);
        };
    }

    private Condition compare(Field field, String op, JsonNode operand, String path) {
        double d = Operands.number(operand);
        if (Double.isNaN(d)) {
            return bad(path, "'" + op + "' needs a number, got " + Operands.show(operand));
        }
        Comparison c = switch (op) {
            case "<" -> Comparison.LT;
            case ">" -> Comparison.GT;
            case "<=" -> Comparison.LE;
            case ">=" -> Comparison.GE;
            case "!=" -> Comparison.NE;
            default -> Comparison.EQ;
        };
        return new Condition.NumberCompare(field, c, d);
    }

    private interface ItemReader {
        /** Takes the item and says whether it was acceptable. */
        boolean read(JsonNode item);
    }

    /** Feeds each item of a list operand to the reader; false after reporting when the list is unusable. */
    private boolean listOf(String op, JsonNode operand, String path, ItemReader reader, String itemKind) {
        if (!operand.isArray()) {
            problems.report(path, "'" + op + "' needs a list, got " + Operands.show(operand));
            return false;
        }
        if (operand.isEmpty()) {
            problems.report(path, "'" + op + "' needs a non-empty list");
            return false;
        }
        boolean ok = true;
        for (JsonNode item : operand) {
            if (!reader.read(item)) {
                problems.report(path, "'" + op + "' list items must be " + itemKind + ", got " + Operands.show(item));
                ok = false;
            }
        }
        return ok;
    }

    private Condition bad(String path, String message) {
        problems.report(path, message);
        return Condition.NEVER;
    }
}
