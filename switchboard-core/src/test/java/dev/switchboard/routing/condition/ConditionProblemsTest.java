package dev.switchboard.routing.condition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConditionProblemsTest {
    private static final String AT = "routes[0].rules[2].when";

    static List<String> problems(String yaml) {
        List<String> problems = new ArrayList<>();
        Condition c = ConditionParser.parse(yaml == null ? null : Yaml.read(yaml), AT, (path, msg) -> problems.add(path + ": " + msg));
        if (!problems.isEmpty()) {
            assertThat(c).as("a broken condition never matches").isSameAs(Condition.NEVER);
        }
        return problems;
    }

    /** A condition with one problem, and the start of the "path: message" line it must produce. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("{ request.input_tokens: { '>': lots } }", AT + ".request.input_tokens: '>' needs a number, got 'lots'"),
                Arguments.of("{ header.x-budget: { '<=': [1] } }", AT + ".header.x-budget: '<=' needs a number, got a list [1]"),
                Arguments.of("{ request.tool: true }", AT + ".request.tool: unknown field 'request.tool' (did you mean 'request.tools'?)"),
                Arguments.of("{ headers.x-team: eng }", AT + ".headers.x-team: unknown field 'headers.x-team' (did you mean 'header.x-team'?)"),
                Arguments.of("{ tier: gold }", AT + ".tier: unknown field 'tier'; fields: header.<name>, metadata.<key>"),
                Arguments.of("{ 'header.': x }", AT + ".header.: 'header.' needs a name after the dot"),
                Arguments.of("{ key.metadata.: x }", AT + ".key.metadata.: 'key.metadata.' needs a name after the dot"),
                Arguments.of("{ metadata.tier: { gt: 3 } }", AT + ".metadata.tier: unknown operator 'gt' (did you mean '>'?); operators: ==, !="),
                Arguments.of("{ metadata.tier: { '=': gold } }", AT + ".metadata.tier: unknown operator '=' (did you mean '=='?)"),
                Arguments.of("{ metadata.tier: { regx: 'g.*' } }", AT + ".metadata.tier: unknown operator 'regx' (did you mean 'regex'?)"),
                Arguments.of("{ metadata.tier: { contains: g } }", AT + ".metadata.tier: unknown operator 'contains'; operators:"),
                Arguments.of("{ key.metadata.env: { regex: 'prod-(' } }", AT + ".key.metadata.env: bad regex 'prod-(': missing closing ) (RE2 syntax)"),
                Arguments.of("{ key.metadata.env: { regex: 3 } }", AT + ".key.metadata.env: 'regex' needs a pattern string, got 3"),
                Arguments.of("{ metadata.tier: { in: gold } }", AT + ".metadata.tier: 'in' needs a list, got 'gold'"),
                Arguments.of("{ metadata.tier: { not in: gold } }", AT + ".metadata.tier: 'not in' needs a list, got 'gold'"),
                Arguments.of("{ metadata.tier: { in: [] } }", AT + ".metadata.tier: 'in' needs a non-empty list"),
                Arguments.of("{ metadata.tier: { in: [gold, [x]] } }", AT + ".metadata.tier: 'in' list items must be plain values, got a list [\"x\"]"),
                Arguments.of("{ request.input_tokens: { in: [1, many] } }", AT + ".request.input_tokens: 'in' list items must be numbers, got 'many'"),
                Arguments.of("{ request.stream: { in: [maybe] } }", AT + ".request.stream: 'in' list items must be true or false, got 'maybe'"),
                Arguments.of("{ metadata.tier: [gold, silver] }", AT + ".metadata.tier: a list needs an operator, e.g. { in: [\"gold\",\"silver\"] }"),
                Arguments.of("{ metadata.tier: { '==': [gold] } }", AT + ".metadata.tier: '==' needs one value, got a list [\"gold\"]; use 'in' for a list"),
                Arguments.of("{ metadata.tier: {} }", AT + ".metadata.tier: needs a value or an operator"),
                Arguments.of("{ request.stream: maybe }", AT + ".request.stream: '==' on request.stream needs true or false, got 'maybe'"),
                Arguments.of("{ request.tools: { '!=': 1 } }", AT + ".request.tools: '!=' on request.tools needs true or false, got 1"),
                Arguments.of("{ request.stream: { '>': 1 } }", AT + ".request.stream: '>' does not apply to request.stream, which is true or false"),
                Arguments.of("{ request.images: { regex: x } }", AT + ".request.images: 'regex' does not apply to request.images, which is true or false"),
                Arguments.of("{ request.input_tokens: { regex: '1.*' } }", AT + ".request.input_tokens: 'regex' does not apply to request.input_tokens, which is a number"),
                Arguments.of("{ request.input_tokens: many }", AT + ".request.input_tokens: '==' needs a number, got 'many'"),
                Arguments.of("{ any: [] }", AT + ".any: 'any' needs at least one condition"),
                Arguments.of("{ all: [] }", AT + ".all: 'all' needs at least one condition"),
                Arguments.of("{ any: { metadata.tier: gold } }", AT + ".any: 'any' needs a list of conditions, got a map"),
                Arguments.of("{ any: [ gold ] }", AT + ".any[0]: a condition is a map like { metadata.tier: gold }, got 'gold'"),
                Arguments.of("{ not: [ { metadata.tier: gold } ] }", AT + ".not: 'not' takes one condition, not a list"),
                Arguments.of("{ not: null }", AT + ".not: needs a condition"),
                Arguments.of("{ not: {} }", AT + ".not: an empty condition"),
                Arguments.of("{ all: [ { any: [ { not: { request.strem: true } } ] } ] }",
                        AT + ".all[0].any[0].not.request.strem: unknown field 'request.strem' (did you mean 'request.stream'?)"),
                Arguments.of("{}", AT + ": an empty condition"),
                Arguments.of("gold", AT + ": a condition is a map like { metadata.tier: gold }, got 'gold'"),
                Arguments.of("[ { metadata.tier: gold } ]", AT + ": a condition is a map"),
                Arguments.of(null, AT + ": needs a condition"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsTheProblemWithItsPath(String yaml, String expected) {
        List<String> problems = problems(yaml);
        assertThat(problems).hasSize(1);
        assertThat(problems.getFirst()).startsWith(expected);
    }

    @Test
    void reportsEveryProblemNotJustTheFirst() {
        List<String> problems = problems("""
                all:
                  - { request.tool: true }
                  - { metadata.tier: { in: gold }, request.input_tokens: { '>': lots, '<': 5 } }
                  - any: []
                  - not: { key.metadata.env: { regex: '(' , nope: 1 } }
                """);
        assertThat(problems).hasSize(6);
        assertThat(problems.get(0)).startsWith(AT + ".all[0].request.tool: unknown field");
        assertThat(problems.get(1)).startsWith(AT + ".all[1].metadata.tier: 'in' needs a list");
        assertThat(problems.get(2)).startsWith(AT + ".all[1].request.input_tokens: '>' needs a number");
        assertThat(problems.get(3)).startsWith(AT + ".all[2].any: 'any' needs at least one condition");
        assertThat(problems.get(4)).startsWith(AT + ".all[3].not.key.metadata.env: bad regex '('");
        assertThat(problems.get(5)).startsWith(AT + ".all[3].not.key.metadata.env: unknown operator 'nope'");
    }

    @Test
    void aGoodConditionReportsNothing() {
        assertThat(problems("{ header.x-team: { '!=': research }, request.stream: true, any: [ { request.tools: true } ] }")).isEmpty();
    }
}
