package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which tool calls a model makes, the same for every fake vendor in schema-aware mode (see each fake's
 * {@code schemaAware()}), so a client library meets the same behaviour whichever provider it reaches:
 * <ul>
 *   <li>no calls when no tools are offered, tool choice is none, or the conversation ends with tool results
 *       (then the fake answers with text naming the results);</li>
 *   <li>a tool forced by name: one call of it;</li>
 *   <li>otherwise (auto or any tool required) calls of the tool whose name the last user text mentions, else of
 *       the first tool: two calls when the text says "both" and parallel calls are not disabled, else one;</li>
 *   <li>arguments are {@link SchemaSample}s of the tool's schema, the n-th call with n = 1, 2.</li>
 * </ul>
 */
public final class ToolPlay {
    /** A tool offered: its name and its JSON schema for the arguments. */
    public record Tool(String name, JsonNode schema) {}

    /** A call made: the tool's name and its arguments. */
    public record Call(String name, JsonNode args) {}

    private ToolPlay() {}

    /**
     * @param forced a tool's name when one is forced, else null
     * @param parallelAllowed false when the request disabled parallel tool calls
     */
    public static List<Call> calls(List<Tool> tools, String forced, boolean parallelAllowed, String lastUserText) {
        if (tools.isEmpty()) {
            return List.of();
        }
        if (forced != null) {
            Tool t = tools.stream().filter(x -> x.name().equals(forced)).findFirst().orElse(tools.get(0));
            return List.of(new Call(t.name(), SchemaSample.of(t.schema(), 1)));
        }
        String text = lastUserText == null ? "" : lastUserText.toLowerCase(Locale.ROOT);
        Tool t = tools.stream().filter(x -> text.contains(x.name().toLowerCase(Locale.ROOT))).findFirst().orElse(tools.get(0));
        int count = parallelAllowed && text.matches("(?s).*\\bboth\\b.*") ? 2 : 1;
        List<Call> calls = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            calls.add(new Call(t.name(), SchemaSample.of(t.schema(), n)));
        }
        return calls;
    }
}
