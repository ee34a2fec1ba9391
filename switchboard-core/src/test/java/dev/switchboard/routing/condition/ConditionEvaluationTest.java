package dev.switchboard.routing.condition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConditionEvaluationTest {

    static Condition parse(String yaml) {
        List<String> problems = new ArrayList<>();
        Condition c = ConditionParser.parse(Yaml.read(yaml), "when", (path, msg) -> problems.add(path + ": " + msg));
        assertThat(problems).as("problems of %s", yaml).isEmpty();
        return c;
    }

    /** Each condition against {@link TestFacts#typical()}: team eng, tier gold, env prod-eu, 9000 tokens, streaming. */
    static Stream<Arguments> cases() {
        return Stream.of(
                // equality and inequality, text
                Arguments.of("{ metadata.tier: gold }", true),
                Arguments.of("{ metadata.tier: silver }", false),
                Arguments.of("{ metadata.tier: { '==': gold } }", true),
                Arguments.of("{ metadata.tier: { '!=': gold } }", false),
                Arguments.of("{ metadata.tier: { '!=': silver } }", true),
                Arguments.of("{ metadata.n: 3 }", true),                       // numbers compare as written text
                Arguments.of("{ header.x-team: eng }", true),
                Arguments.of("{ header.X-Team: eng }", true),                  // header names are case-insensitive
                Arguments.of("{ header.x-team: ENG }", false),                 // values are not
                Arguments.of("{ header.x-team: { '!=': research }, request.stream: true }", true),
                Arguments.of("{ header.x-team: { '!=': research }, request.stream: false }", false),
                Arguments.of("{ key.name: svc-a }", true),
                Arguments.of("{ key.team: platform }", true),
                Arguments.of("{ key.metadata.env: prod-eu }", true),
                Arguments.of("{ request.model: smart }", true),
                Arguments.of("{ request.model: dumb }", false),
                // in / not in
                Arguments.of("{ metadata.tier: { in: [gold, platinum] } }", true),
                Arguments.of("{ metadata.tier: { in: [silver, bronze] } }", false),
                Arguments.of("{ metadata.tier: { not in: [silver, bronze] } }", true),
                Arguments.of("{ metadata.tier: { not_in: [gold] } }", false),
                Arguments.of("{ metadata.tier: { NOT IN: [gold] } }", false),
                Arguments.of("{ metadata.n: { in: [1, 2, 3] } }", true),
                // regex: a full match
                Arguments.of("{ key.metadata.env: { regex: '^prod-.*' } }", true),
                Arguments.of("{ key.metadata.env: { regex: 'prod' } }", false),
                Arguments.of("{ key.metadata.env: { regex: 'prod-(eu|us)' } }", true),
                Arguments.of("{ key.metadata.env: { regex: 'staging-.*' } }", false),
                // numbers
                Arguments.of("{ request.input_tokens: { '>': 8000 } }", true),
                Arguments.of("{ request.input_tokens: { '>': 9000 } }", false),
                Arguments.of("{ request.input_tokens: { '>=': 9000 } }", true),
                Arguments.of("{ request.input_tokens: { '<': 9000 } }", false),
                Arguments.of("{ request.input_tokens: { '<=': 9000 } }", true),
                Arguments.of("{ request.input_tokens: { '>': '8000' } }", true),  // a numeric string operand
                Arguments.of("{ request.input_tokens: 9000 }", true),
                Arguments.of("{ request.input_tokens: { '!=': 9000 } }", false),
                Arguments.of("{ request.input_tokens: { in: [100, 9000] } }", true),
                Arguments.of("{ request.input_tokens: { not in: [100, 9000] } }", false),
                Arguments.of("{ request.input_tokens: { '>': 1000, '<': 10000 } }", true),   // a range
                Arguments.of("{ request.input_tokens: { '>': 1000, '<': 5000 } }", false),
                Arguments.of("{ header.x-budget: { '>': 10 } }", true),         // numeric header values compare as numbers
                Arguments.of("{ header.x-budget: { '<': 12.4 } }", false),
                Arguments.of("{ header.x-team: { '>': 1 } }", false),           // a non-numeric value never matches
                Arguments.of("{ header.x-team: { '<': 1 } }", false),
                // booleans, also given as strings
                Arguments.of("{ request.stream: true }", true),
                Arguments.of("{ request.stream: 'true' }", true),
                Arguments.of("{ request.stream: 'False' }", false),
                Arguments.of("{ request.stream: { '!=': false } }", true),
                Arguments.of("{ request.tools: false }", true),
                Arguments.of("{ request.images: true }", false),
                Arguments.of("{ request.stream: { in: [true] } }", true),
                Arguments.of("{ request.stream: { not in: [true] } }", false),
                // combinators, nested
                Arguments.of("{ any: [ { request.tools: true }, { request.images: true } ] }", false),
                Arguments.of("{ any: [ { request.tools: true }, { request.stream: true } ] }", true),
                Arguments.of("{ all: [ { metadata.tier: gold }, { key.team: { not in: [a, b] } } ] }", true),
                Arguments.of("{ all: [ { metadata.tier: gold }, { not: { key.team: { not in: [a, b] } } } ] }", false),
                Arguments.of("{ not: { metadata.tier: gold } }", false),
                Arguments.of("{ not: { not: { metadata.tier: gold } } }", true),
                Arguments.of("{ any: [ { all: [ { metadata.tier: silver } ] }, { not: { any: [ { key.name: x } ] } } ] }", true),
                Arguments.of("{ metadata.tier: gold, any: [ { request.tools: true } ] }", false),
                // missing values match only != and not in
                Arguments.of("{ metadata.region: eu }", false),
                Arguments.of("{ metadata.region: { '!=': eu } }", true),
                Arguments.of("{ metadata.region: { in: [eu] } }", false),
                Arguments.of("{ metadata.region: { not in: [eu] } }", true),
                Arguments.of("{ metadata.region: { regex: '.*' } }", false),
                Arguments.of("{ metadata.region: { '<': 5 } }", false),
                Arguments.of("{ metadata.region: { '>=': 5 } }", false),
                Arguments.of("{ header.x-absent: { '!=': '' } }", true),
                // null tests presence
                Arguments.of("{ metadata.region: null }", true),
                Arguments.of("{ metadata.tier: null }", false),
                Arguments.of("{ metadata.tier: { '!=': null } }", true),
                Arguments.of("{ metadata.region: { '!=': null } }", false));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("cases")
    void evaluates(String yaml, boolean expected) {
        assertThat(parse(yaml).test(TestFacts.typical())).isEqualTo(expected);
    }

    @Test
    void anAbsentTeamIsAMissingValue() {
        TestFacts facts = TestFacts.typical();
        facts.team = null;
        assertThat(parse("{ key.team: platform }").test(facts)).isFalse();
        assertThat(parse("{ key.team: { not in: [platform] } }").test(facts)).isTrue();
        assertThat(parse("{ key.team: { '!=': platform } }").test(facts)).isTrue();
    }

    @Test
    void theCostlyFactsAreReadOnlyWhenAConditionNeedsThem() {
        TestFacts facts = TestFacts.typical();
        parse("{ metadata.tier: gold, header.x-team: eng, key.metadata.env: { regex: 'prod-.*' } }").test(facts);
        assertThat(facts.featureReads).isZero();
        // all stops at the first failing part, so the token estimate is not needed
        parse("{ all: [ { metadata.tier: silver }, { request.input_tokens: { '>': 5 } } ] }").test(facts);
        assertThat(facts.featureReads).isZero();
        parse("{ request.input_tokens: { '>': 5 } }").test(facts);
        assertThat(facts.featureReads).isEqualTo(1);
    }

    @Test
    void alwaysAndNeverAreConstants() {
        assertThat(Condition.ALWAYS.test(new TestFacts())).isTrue();
        assertThat(Condition.NEVER.test(new TestFacts())).isFalse();
    }

    @Test
    void parsedConditionsAreTheExpectedTree() {
        Condition c = parse("{ header.X-Team: eng, request.input_tokens: { '>': 8000 } }");
        assertThat(c).isInstanceOf(Condition.All.class);
        List<Condition> parts = ((Condition.All) c).parts();
        assertThat(parts.get(0)).isEqualTo(new Condition.TextEquals(
                new Field("header.X-Team", Field.Source.HEADER, "x-team"), "eng", false));
        assertThat(parts.get(1)).isEqualTo(new Condition.NumberCompare(
                new Field("request.input_tokens", Field.Source.INPUT_TOKENS, null), Condition.Comparison.GT, 8000));
    }

    @org.junit.jupiter.api.Test
    void regexesRunInLinearTimeAndSkipValuesOverTheCap() {
        TestFacts facts = TestFacts.typical();
        Condition chrome = parse("{ header.user-agent: { regex: '.*Mozilla.*Chrome.*' } }");
        Condition nested = parse("{ header.user-agent: { regex: '(x+x+)+y' } }");
        long start = System.nanoTime();
        facts.headers.put("user-agent", "Mozilla ".repeat(8000)); // 64 000 characters: over the cap, no match
        assertThat(chrome.test(facts)).isFalse();
        facts.headers.put("user-agent", "x".repeat(Condition.TextMatches.MAX_REGEX_INPUT)); // at the cap: evaluated
        assertThat(nested.test(facts)).isFalse();
        facts.headers.put("user-agent", "Mozilla ".repeat(500) + "Chrome");
        assertThat(chrome.test(facts)).isTrue();
        assertThat(System.nanoTime() - start).as("nanoseconds").isLessThan(1_000_000_000L);
        facts.headers.put("user-agent", "Mozilla Chrome" + " ".repeat(Condition.TextMatches.MAX_REGEX_INPUT));
        assertThat(chrome.test(facts)).as("longer than the cap never matches").isFalse();
    }
}
