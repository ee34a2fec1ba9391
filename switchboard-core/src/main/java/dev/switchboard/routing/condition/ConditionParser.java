package dev.switchboard.routing.condition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Parses a {@code when:} map (read from YAML as a Jackson tree) into a {@link Condition}.
 * <pre>
 * { metadata.tier: gold }                          scalar = equality
 * { header.x-team: { "!=": research }, request.stream: true }   several entries = all must hold
 * { request.input_tokens: { ">": 8000 } }
 * { any: [ { request.tools: true }, { request.images: true } ] }
 * { not: { key.team: { "not in": [a, b] } } }
 * </pre>
 * Every problem is reported with its path (e.g. {@code routes[0].rules[2].when.request.input_tokens}); parsing
 * goes on after a problem so that one run shows them all. Stateless and thread-safe.
 */
public final class ConditionParser {
    private final Problems problems;

    private ConditionParser(Problems problems) {
        this.problems = problems;
    }

    /**
     * @param node the condition map
     * @param path where the node sits in config, prefixed to every problem's path
     * @param problems receives (path, message) for every problem found
     * @return the condition; {@link Condition#NEVER} when any problem was reported, so a broken rule cannot match
     */
    public static Condition parse(JsonNode node, String path, BiConsumer<String, String> problems) {
        Problems collected = new Problems(problems);
        Condition condition = new ConditionParser(collected).condition(node, path);
        return collected.count() == 0 ? condition : Condition.NEVER;
    }

    Condition condition(JsonNode node, String path) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            problems.report(path, "needs a condition, e.g. { metadata.tier: gold }");
            return Condition.NEVER;
        }
        if (!node.isObject()) {
            problems.report(path, "a condition is a map like { metadata.tier: gold }, got " + Operands.show(node));
            return Condition.NEVER;
        }
        if (node.isEmpty()) {
            problems.report(path, "an empty condition; give at least one field, or all/any/not");
            return Condition.NEVER;
        }
        List<Condition> parts = new ArrayList<>(node.size());
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String at = path + "." + name;
            parts.add(switch (name) {
                case "all" -> new Condition.All(list(name, e.getValue(), at));
                case "any" -> new Condition.Any(list(name, e.getValue(), at));
                case "not" -> not(e.getValue(), at);
                default -> new FieldConditionParser(problems).parse(name, e.getValue(), at);
            });
        }
        return parts.size() == 1 ? parts.getFirst() : new Condition.All(parts);
    }

    private Condition not(JsonNode node, String path) {
        if (node != null && node.isArray()) {
            problems.report(path, "'not' takes one condition, not a list; wrap several in any or all");
            return Condition.NEVER;
        }
        return new Condition.Not(condition(node, path));
    }

    private List<Condition> list(String combinator, JsonNode node, String path) {
        if (node == null || !node.isArray()) {
            problems.report(path, "'" + combinator + "' needs a list of conditions, got " + Operands.show(node));
            return List.of(Condition.NEVER);
        }
        if (node.isEmpty()) {
            problems.report(path, "'" + combinator + "' needs at least one condition");
            return List.of(Condition.NEVER);
        }
        List<Condition> parts = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            parts.add(condition(node.get(i), path + "[" + i + "]"));
        }
        return parts;
    }
}
