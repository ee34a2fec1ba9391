package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.routing.BreakerSettings;
import dev.switchboard.routing.FallbackTrigger;
import dev.switchboard.routing.RetryOn;
import dev.switchboard.routing.RetryPolicy;
import dev.switchboard.routing.StickyBy;
import dev.switchboard.routing.Strategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Routes, retries, the breaker and health checks as read from YAML: accepted whole, or rejected with each path. */
class RoutesConfigTest {
    /** Two providers and an alias; each test appends its own routes (and retry / breaker sections). */
    private static final String BASE = """
            providers:
              - { name: openai, type: openai, api_key: k1, models: [gpt-4o] }
              - { name: anthropic, type: anthropic, api_key: k2 }
            models:
              - { name: smart, target: openai/gpt-4o }
            """;

    private static GatewayConfig parse(String yaml) {
        return new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get).parse(yaml);
    }

    private static List<String> problems(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("the config was accepted:\n" + yaml);
    }

    /** A route named r with the given rules (YAML list items indented for the rules key). */
    private static String route(String rules) {
        return BASE + "routes:\n  - name: r\n    rules:\n" + rules.stripIndent().indent(6);
    }

    @Test
    void aRouteNeedsADefaultRule() {
        assertThat(problems(route("""
                - { when: { metadata.tier: gold }, targets: [openai/gpt-4o] }
                """))).containsExactly(
                "routes[0].rules: a default rule is required: end the list with a rule that has no 'when'");
    }

    @Test
    void aRuleAfterTheDefaultIsUnreachable() {
        assertThat(problems(route("""
                - { targets: [openai/gpt-4o] }
                - { when: { metadata.tier: gold }, targets: [smart] }
                """))).containsExactly(
                "routes[0].rules[1]: unreachable: it comes after the default rule (the one without 'when')");
    }

    @Test
    void aTargetNamingAnUnknownProviderSuggestsTheNearestOne() {
        assertThat(problems(route("""
                - { targets: [openai/gpt-4o, antropic/claude] }
                """))).containsExactly(
                "routes[0].rules[0].targets[1]: unknown provider 'antropic' (did you mean 'anthropic'?)");
        // the same check on the long form names the target field
        assertThat(problems(route("""
                - targets: [ { target: opena/gpt-4o, weight: 2 } ]
                """))).containsExactly(
                "routes[0].rules[0].targets[0].target: unknown provider 'opena' (did you mean 'openai'?)");
    }

    @Test
    void aTargetMustBeProviderSlashModelOrAnAlias() {
        assertThat(problems(route("""
                - { targets: [smrt] }
                """))).containsExactly(
                "routes[0].rules[0].targets[0]: expected provider/model or a model alias, got 'smrt' (did you mean 'smart'?)");
        assertThat(problems(route("""
                - { targets: ['openai/'] }
                """))).containsExactly(
                "routes[0].rules[0].targets[0]: expected provider/model or a model alias, got 'openai/'");
    }

    @Test
    void anUnknownStrategyIsNamedWithTheNearestOne() {
        assertThat(problems(route("""
                - { strategy: lowest_latncy, targets: [smart] }
                """))).singleElement().asString()
                .startsWith("routes[0].rules[0].strategy: unknown strategy 'lowest_latncy' (use fallback, weighted,")
                .endsWith("(did you mean 'lowest_latency'?)");
    }

    @Test
    void onlyAWeightedRuleMayBeSticky() {
        assertThat(problems(route("""
                - { strategy: fallback, sticky: key, targets: [smart, anthropic/claude] }
                """))).containsExactly("routes[0].rules[0].sticky: only a weighted split can be sticky");
        // no strategy means fallback
        assertThat(problems(route("""
                - { sticky: key, targets: [smart] }
                """))).containsExactly("routes[0].rules[0].sticky: only a weighted split can be sticky");
    }

    @Test
    void aStickyValueIsKeyOrAHeader() {
        assertThat(problems(route("""
                - { strategy: weighted, sticky: user, targets: [smart] }
                """))).containsExactly("routes[0].rules[0].sticky: expected 'key' or 'header:<name>', got 'user'");
        assertThat(problems(route("""
                - { strategy: weighted, sticky: 'header:', targets: [smart] }
                """))).containsExactly("routes[0].rules[0].sticky: expected 'key' or 'header:<name>', got 'header:'");
    }

    @Test
    void aWeightIsAtLeastOne() {
        assertThat(problems(route("""
                - strategy: weighted
                  targets: [ { target: smart, weight: 0 }, { target: anthropic/claude, weight: 3 } ]
                """))).containsExactly(
                "routes[0].rules[0].targets[0].weight: expected a whole number from 1 to 1000000, got '0'");
    }

    @Test
    void anUnknownFallbackTriggerIsNamed() {
        assertThat(problems(BASE + """
                routes:
                  - name: r
                    fallback_on: [error, context_lenght]
                    rules: [ { targets: [smart] } ]
                """)).containsExactly("routes[0].fallback_on[1]: unknown trigger 'context_lenght' "
                + "(use error, context_length, content_filter) (did you mean 'context_length'?)");
    }

    @Test
    void anUnknownRetryConditionIsNamedWhereverTheRetryIs() {
        assertThat(problems(BASE + """
                retry: { on: [connect, 5xx, timout] }
                """)).containsExactly(
                "retry.on[2]: unknown condition 'timout' (use connect, timeout, 5xx, 429) (did you mean 'timeout'?)");
        assertThat(problems(route("""
                - targets: [ { target: smart, retry: { on: [503] } } ]
                """))).singleElement().asString()
                .startsWith("routes[0].rules[0].targets[0].retry.on[0]: unknown condition '503'");
    }

    @Test
    void statusCodesMayBeWrittenUnquoted() {
        // YAML reads 429 as a number; it is still the condition "429"
        assertThat(parse(BASE + "retry: { on: [429, 5xx] }\n").retry().on())
                .containsExactlyInAnyOrder(RetryOn.RATE_LIMITED, RetryOn.SERVER_ERROR);
        assertThat(problems(BASE + "retry: { on: [ { code: 429 } ] }\n"))
                .containsExactly("retry.on[0]: expected a string");
    }

    @Test
    void retriesAreCappedAtTen() {
        assertThat(problems(BASE + "retry: { retries: 11 }\n"))
                .containsExactly("retry.retries: expected a whole number from 0 to 10, got '11'");
        assertThat(problems(BASE + """
                routes:
                  - name: r
                    retry: { retries: 11 }
                    rules: [ { targets: [smart] } ]
                """)).containsExactly("routes[0].retry.retries: expected a whole number from 0 to 10, got '11'");
    }

    @Test
    void aFailureRateIsAFractionUpToOne() {
        assertThat(problems(BASE + "breaker: { failure_rate: 2 }\n"))
                .containsExactly("breaker.failure_rate: expected a number from 0.01 to 1.0, got '2'");
    }

    @Test
    void aChatHealthCheckNeedsAModel() {
        assertThat(problems("""
                providers:
                  - name: openai
                    type: openai
                    api_key: k
                    health_check: { kind: chat, interval: 10s }
                """)).containsExactly("providers[0].health_check.model: required when kind is 'chat'");
        assertThat(problems("""
                providers:
                  - name: openai
                    type: openai
                    api_key: k
                    health_check: { kind: chatt }
                """)).containsExactly(
                "providers[0].health_check.kind: expected 'models' or 'chat', got 'chatt' (did you mean 'chat'?)");
    }

    @Test
    void aRouteNameMayNotBeAnAliasNorContainASlash() {
        assertThat(problems(BASE + """
                routes:
                  - name: smart
                    rules: [ { targets: [openai/gpt-4o] } ]
                """)).containsExactly("routes[0].name: 'smart' is also a model alias");
        assertThat(problems(BASE + """
                routes:
                  - name: team/chat
                    rules: [ { targets: [smart] } ]
                """)).containsExactly("routes[0].name: a route name has no '/': clients call it as 'team/chat' "
                + "or 'dynamic/team/chat'");
        assertThat(problems(BASE + """
                routes:
                  - name: r
                    rules: [ { targets: [smart] } ]
                  - name: r
                    rules: [ { targets: [smart] } ]
                """)).containsExactly("routes[1].name: duplicate route name 'r'");
    }

    @Test
    void aBadConditionNamesItsPathInsideWhen() {
        assertThat(problems(route("""
                - { when: { metadata.tier: { gt: 3 } }, targets: [smart] }
                - { targets: [smart] }
                """))).singleElement().asString()
                .startsWith("routes[0].rules[0].when.metadata.tier: unknown operator 'gt' (did you mean '>'?)");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThat(problems(BASE + """
                retry: { retries: 11 }
                routes:
                  - name: r
                    rules:
                      - { strategy: fastest, targets: [nobody/x] }
                """)).containsExactlyInAnyOrder(
                "retry.retries: expected a whole number from 0 to 10, got '11'",
                "routes[0].rules[0].strategy: unknown strategy 'fastest' (use fallback, weighted, lowest_latency, "
                        + "fewest_errors, lowest_cost, least_busy)",
                "routes[0].rules[0].targets[0]: unknown provider 'nobody'");
    }

    @Test
    void aFullConfigIsReadIntoRecords() {
        GatewayConfig c = parse("""
                providers:
                  - name: openai
                    type: openai
                    api_key: k1
                    models: [gpt-4o]
                    health_check: { kind: chat, model: gpt-4o-mini, interval: 15s, timeout: 2s, unhealthy_after: 3 }
                  - name: anthropic
                    type: anthropic
                    api_key: k2
                    health_check: {}
                models:
                  - { name: smart, target: openai/gpt-4o }
                retry: { retries: 2, backoff: 100ms, max_backoff: 2s, max_retry_after: 10s, on: [connect, 429] }
                breaker:
                  consecutive_failures: 3
                  failure_rate: 0.25
                  min_requests: 10
                  window: 20s
                  cooldown: 1m
                  half_open_probes: 2
                routes:
                  - name: chat
                    fallback_on: [error, context_length, content_filter]
                    rules:
                      - when: { metadata.tier: gold }
                        strategy: weighted
                        sticky: header:X-User
                        targets:
                          - { target: smart, weight: 3, retry: { retries: 5 } }
                          - { target: anthropic/claude-sonnet, weight: 1 }
                      - { when: { request.stream: true }, strategy: lowest_latency, targets: [smart, anthropic/claude-haiku] }
                      - { when: { request.tools: true }, strategy: fewest_errors, targets: [smart, anthropic/claude-haiku] }
                      - { when: { request.images: true }, strategy: lowest_cost, targets: [smart, anthropic/claude-haiku] }
                      - { when: { header.x-batch: 'yes' }, strategy: least_busy, targets: [smart, anthropic/claude-haiku] }
                      - { targets: [smart, anthropic/claude-haiku] }
                  - name: plain
                    retry: { retries: 0 }
                    rules: [ { strategy: weighted, sticky: key, targets: [openai/gpt-4o] } ]
                """);

        Set<RetryOn> connectAnd429 = Set.of(RetryOn.CONNECT, RetryOn.RATE_LIMITED);
        RetryPolicy top = new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(10),
                connectAnd429);
        assertThat(c.retry()).isEqualTo(top);
        assertThat(c.breaker()).isEqualTo(new BreakerSettings(true, 3, 0.25, 10, Duration.ofSeconds(20),
                Duration.ofMinutes(1), 2));

        assertThat(c.providers().get(0).healthCheck()).isEqualTo(new HealthCheckConfig(Duration.ofSeconds(15),
                Duration.ofSeconds(2), HealthCheckConfig.Kind.CHAT, "gpt-4o-mini", 3));
        assertThat(c.providers().get(1).healthCheck()).isEqualTo(new HealthCheckConfig(Duration.ofSeconds(30),
                Duration.ofSeconds(5), HealthCheckConfig.Kind.MODELS, null, 2));

        assertThat(c.routes()).hasSize(2);
        RouteConfig chat = c.routes().get(0);
        assertThat(chat.name()).isEqualTo("chat");
        assertThat(chat.fallbackOn()).containsExactlyInAnyOrder(FallbackTrigger.ERROR, FallbackTrigger.CONTEXT_LENGTH,
                FallbackTrigger.CONTENT_FILTER);
        assertThat(chat.retry()).isEqualTo(top);
        assertThat(chat.rules()).extracting(RouteConfig.RuleConfig::strategy).containsExactly(Strategy.WEIGHTED,
                Strategy.LOWEST_LATENCY, Strategy.FEWEST_ERRORS, Strategy.LOWEST_COST, Strategy.LEAST_BUSY,
                Strategy.FALLBACK);
        assertThat(chat.rules().subList(0, 5)).allSatisfy(rule -> assertThat(rule.when()).isNotNull());
        assertThat(chat.rules().get(5).when()).isNull();

        RouteConfig.RuleConfig gold = chat.rules().get(0);
        assertThat(gold.sticky()).isEqualTo(new StickyBy("x-user")); // header names are matched lower-case
        assertThat(gold.targets()).containsExactly(
                new RouteConfig.TargetConfig("smart", 3, new RetryPolicy(5, Duration.ofMillis(100),
                        Duration.ofSeconds(2), Duration.ofSeconds(10), connectAnd429)),
                new RouteConfig.TargetConfig("anthropic/claude-sonnet", 1, top));
        assertThat(chat.rules().get(5).targets()).containsExactly(new RouteConfig.TargetConfig("smart", 1, top),
                new RouteConfig.TargetConfig("anthropic/claude-haiku", 1, top));

        RouteConfig plain = c.routes().get(1);
        assertThat(plain.fallbackOn()).containsExactly(FallbackTrigger.ERROR); // the default
        assertThat(plain.retry().retries()).isZero();
        assertThat(plain.rules().get(0).sticky()).isSameAs(StickyBy.KEY);
        assertThat(plain.rules().get(0).targets().get(0).retry().retries()).isZero();
    }

    @Test
    void withoutResilienceSectionsTheDefaultsApply() {
        GatewayConfig c = parse(BASE);
        assertThat(c.routes()).isEmpty();
        assertThat(c.retry()).isEqualTo(RetryPolicy.NONE);
        assertThat(c.breaker()).isEqualTo(BreakerSettings.DEFAULTS);
        assertThat(c.providers().get(0).healthCheck()).isNull();
    }
}
