package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Settles {@code max_tokens} and extended thinking together, because Anthropic counts thinking against
 * {@code max_tokens} and requires {@code 1024 <= budget_tokens < max_tokens}.
 * <ul>
 *   <li>{@code reasoning_effort} maps to a budget from {@link #BUDGETS}; {@code none} turns thinking off.</li>
 *   <li>A canonical extension field {@code thinking} (Anthropic's own object, e.g.
 *       {@code {"type":"enabled","budget_tokens":6000}}) is sent as is, for callers that want an exact budget.</li>
 *   <li>Without a client limit, {@code max_tokens} is the default plus the budget, so thinking does not eat the
 *       answer; with one, the limit stands (as with OpenAI, reasoning counts against it) and an effort budget is
 *       trimmed to fit below it.</li>
 * </ul>
 */
final class AnthropicThinking {
    static final int MIN_BUDGET = 1024;
    static final Map<String, Integer> BUDGETS = Map.of(
            "minimal", 1024,
            "low", 2048,
            "medium", 8192,
            "high", 16384,
            "xhigh", 32768);

    /** @param thinking the {@code thinking} object to send, or null */
    record Plan(int maxTokens, ObjectNode thinking) {
        boolean enabled() {
            return thinking != null && !"disabled".equals(thinking.path("type").asText());
        }
    }

    private AnthropicThinking() {}

    static Plan plan(JsonNode body, int defaultMaxTokens) {
        String limitParam = body.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        Integer limit = positiveInt(body.get(limitParam), limitParam);
        JsonNode explicit = body.get("thinking");
        JsonNode effort = body.get("reasoning_effort");
        boolean hasExplicit = explicit != null && !explicit.isNull();
        boolean hasEffort = effort != null && !effort.isNull();
        if (hasExplicit && hasEffort) {
            throw AnthropicRequestErrors.invalid("thinking", "Give either 'thinking' or 'reasoning_effort', not both.");
        }
        if (hasExplicit) {
            if (!explicit.isObject() || !explicit.path("type").isTextual()) {
                throw AnthropicRequestErrors.invalid("thinking", "'thinking' must be an object with a 'type'.");
            }
            int budget = explicit.path("budget_tokens").asInt(0);
            return new Plan(limit != null ? limit : defaultMaxTokens + budget, explicit.deepCopy());
        }
        if (!hasEffort) {
            return new Plan(limit != null ? limit : defaultMaxTokens, null);
        }
        String level = effort.asText("");
        if (level.equals("none")) {
            return new Plan(limit != null ? limit : defaultMaxTokens, null);
        }
        Integer budget = effort.isTextual() ? BUDGETS.get(level) : null;
        if (budget == null) {
            throw AnthropicRequestErrors.invalid("reasoning_effort", "Invalid value for 'reasoning_effort': " + effort
                    + ". Supported values are: 'none', 'minimal', 'low', 'medium', 'high' and 'xhigh'.");
        }
        int maxTokens = limit != null ? limit : defaultMaxTokens + budget;
        int fitted = Math.min(budget, maxTokens - 1);
        if (fitted < MIN_BUDGET) {
            throw AnthropicRequestErrors.invalid(limitParam, "'" + limitParam + "' must be above " + MIN_BUDGET
                    + " when 'reasoning_effort' is set: Anthropic models think within that limit, at least "
                    + MIN_BUDGET + " tokens.");
        }
        ObjectNode thinking = JsonNodeFactory.instance.objectNode();
        thinking.put("type", "enabled");
        thinking.put("budget_tokens", fitted);
        return new Plan(maxTokens, thinking);
    }

    private static Integer positiveInt(JsonNode n, String param) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1) {
            throw AnthropicRequestErrors.invalid(param, "'" + param + "' must be a positive integer.");
        }
        return n.asInt();
    }
}
