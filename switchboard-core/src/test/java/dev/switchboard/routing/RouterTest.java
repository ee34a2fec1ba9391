package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.routing.condition.RequestFacts;
import dev.switchboard.runtime.Snapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Router.plan over a snapshot built from YAML: rule selection, each strategy's order, open breakers last. */
class RouterTest {
    private static final String CONFIG = """
            providers:
              - { name: a, type: openai, api_key: k }
              - { name: b, type: anthropic, api_key: k }
              - { name: c, type: groq, api_key: k }
            models:
              - { name: smart, target: a/m }
            routes:
              - name: split
                rules:
                  - strategy: weighted
                    targets: [ { target: a/m, weight: 7 }, { target: b/m, weight: 3 } ]
              - name: pinned
                rules:
                  - strategy: weighted
                    sticky: header:X-User
                    targets: [ { target: a/m, weight: 1 }, { target: b/m, weight: 1 } ]
              - name: tail
                rules:
                  - strategy: weighted
                    targets: [ { target: a/m, weight: 1 }, { target: b/m, weight: 5 }, { target: c/m, weight: 3 } ]
              - name: by-key
                rules:
                  - { strategy: weighted, sticky: key, targets: [a/m, b/m, c/m] }
              - name: fast
                rules: [ { strategy: lowest_latency, targets: [a/m, b/m] } ]
              - name: safe
                rules: [ { strategy: fewest_errors, targets: [a/m, b/m] } ]
              - name: idle
                rules: [ { strategy: least_busy, targets: [a/m, b/m, c/m] } ]
              - name: cheap
                rules: [ { strategy: lowest_cost, targets: [a/m, b/m, c/m] } ]
              - name: chain
                fallback_on: [error, context_length]
                rules: [ { targets: [smart, b/m, c/m] } ]
              - name: tiers
                rules:
                  - { when: { metadata.tier: gold }, targets: [b/m] }
                  - { when: { header.x-team: eng }, targets: [c/m] }
                  - { when: { any: [ { metadata.tier: gold }, { header.x-team: ops } ] }, targets: [c/m, b/m] }
                  - { targets: [a/m] }
            """;
    private static final int PLANS = 10_000;

    private final TargetRegistry registry = new TargetRegistry();
    private final Router router = Snapshot.build(new ConfigLoader(ProviderCatalogue.bundled(),
                    Map.<String, String>of()::get).parse(CONFIG), ProviderCatalogue.bundled(), t -> null, registry,
            (provider, model) -> switch (provider) {
                case "a" -> 10.0;
                case "b" -> 0.5;
                default -> Double.NaN; // c's price is unknown
            }, Map.of()).router();

    /** Hand-set request facts. */
    private static final class Facts implements RequestFacts {
        final Map<String, String> headers = new HashMap<>();
        final Map<String, String> metadata = new HashMap<>();
        String keyName = "svc";

        @Override public String header(String lowerCaseName) { return headers.get(lowerCaseName); }
        @Override public String routeMetadata(String key) { return metadata.get(key); }
        @Override public String keyName() { return keyName; }
        @Override public String team() { return null; }
        @Override public String keyMetadata(String key) { return null; }
        @Override public String model() { return "m"; }
        @Override public boolean stream() { return false; }
        @Override public boolean hasTools() { return false; }
        @Override public boolean hasImages() { return false; }
        @Override public long estimatedInputTokens() { return 0; }
    }

    private static List<String> providers(RoutePlan plan) {
        return plan.targets().stream().map(t -> t.target().provider().name()).toList();
    }

    private String first(String model, RequestFacts facts) {
        return providers(router.plan(model, facts)).getFirst();
    }

    /** How many of n plans start with provider p. */
    private int firstCount(String model, String p, int n) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (first(model, new Facts()).equals(p)) {
                count++;
            }
        }
        return count;
    }

    /** The live state of the route's target at provider p. */
    private TargetState state(String route, String p) {
        for (RouteTarget t : router.routes().get(route).rules().getFirst().targets()) {
            if (t.target().provider().name().equals(p)) {
                return registry.state(t);
            }
        }
        throw new AssertionError(p + " is not a target of " + route);
    }

    private void succeeded(TargetState s, long ttftMillis, int times) {
        for (int i = 0; i < times; i++) {
            s.stats().started();
            s.stats().finished(false, ttftMillis, ttftMillis * 2, null);
        }
    }

    @Test
    void aWeightedSplitFollowsTheWeights() {
        int a = firstCount("split", "a", PLANS);
        assertThat(a).isBetween(6_700, 7_300); // 70 % of 10,000; the standard deviation is about 46
        // every plan still lists both targets, the chosen one first
        assertThat(providers(router.plan("split", new Facts()))).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void theFallbacksOfAWeightedSplitFollowDescendingWeight() {
        Map<String, List<String>> orderByFirst = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
            List<String> order = providers(router.plan("tail", new Facts()));
            orderByFirst.put(order.getFirst(), order);
        }
        assertThat(orderByFirst).containsOnly(
                Map.entry("a", List.of("a", "b", "c")),
                Map.entry("b", List.of("b", "c", "a")),
                Map.entry("c", List.of("c", "b", "a")));
    }

    private static Facts keyed(String key) {
        Facts f = new Facts();
        f.keyName = key;
        return f;
    }

    private static Facts user(String id) {
        Facts f = new Facts();
        f.headers.put("x-user", id);
        return f;
    }

    @Test
    void aStickyHeaderPinsEachValueToOneArm() {
        int onA = 0;
        for (int u = 0; u < 1_000; u++) {
            String arm = first("pinned", user("user-" + u));
            for (int again = 0; again < 5; again++) {
                assertThat(first("pinned", user("user-" + u))).as("user-%d", u).isEqualTo(arm);
            }
            if (arm.equals("a")) {
                onA++;
            }
        }
        assertThat(onA).as("users spread over both arms").isBetween(400, 600);
    }

    @Test
    void withoutTheStickyHeaderTheSplitIsRandom() {
        int a = firstCount("pinned", "a", 2_000);
        assertThat(a).isBetween(800, 1_200);
    }

    @Test
    void stickyByKeyPinsEachCallerAndSpreadsCallers() {
        Map<String, Integer> perArm = new HashMap<>();
        for (int k = 0; k < 900; k++) {
            String arm = first("by-key", keyed("svc-" + k));
            assertThat(first("by-key", keyed("svc-" + k))).isEqualTo(arm);
            perArm.merge(arm, 1, Integer::sum);
        }
        assertThat(perArm.keySet()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(perArm.values()).allSatisfy(n -> assertThat(n).isBetween(200, 400));
    }

    @Test
    void lowestLatencyPrefersTheLowerAverageButStillExplores() {
        succeeded(state("fast", "a"), 800, 5);
        succeeded(state("fast", "b"), 120, 5);
        assertThat(state("fast", "b").stats().ttftMillis()).isLessThan(state("fast", "a").stats().ttftMillis());
        int b = firstCount("fast", "b", 2_000);
        assertThat(b).isGreaterThanOrEqualTo(1_800); // about 97.5 %: 5 % exploration, half of it lands on b anyway
        assertThat(b).as("some plans explore the slower target").isLessThan(2_000);
    }

    @Test
    void lowestLatencyTriesAnUnmeasuredTargetFirst() {
        succeeded(state("fast", "a"), 50, 3);
        assertThat(firstCount("fast", "b", 1_000)).isGreaterThanOrEqualTo(900);
    }

    @Test
    void fewestErrorsPrefersTheTargetThatFailsLess() {
        TargetState a = state("safe", "a");
        for (int i = 0; i < 5; i++) {
            a.stats().started();
            a.stats().finished(true, -1, 30, "HTTP 502");
        }
        succeeded(state("safe", "b"), 400, 5);
        assertThat(a.stats().errorRate()).isGreaterThan(0.5);
        assertThat(a.stats().lastError()).isEqualTo("HTTP 502");
        assertThat(firstCount("safe", "b", 2_000)).isGreaterThanOrEqualTo(1_800);
    }

    @Test
    void fewestErrorsKeepsTheConfiguredOrderOnATie() {
        assertThat(firstCount("safe", "a", 2_000)).isGreaterThanOrEqualTo(1_800);
    }

    @Test
    void leastBusyPrefersFewerRequestsInFlight() {
        for (int i = 0; i < 3; i++) {
            state("idle", "a").stats().started();
        }
        state("idle", "b").stats().started();
        state("idle", "c").stats().started();
        state("idle", "c").stats().started();
        assertThat(providers(router.plan("idle", new Facts()))).containsExactly("b", "c", "a");
        // b's request ends (abandoned): b stays first, now with none in flight
        state("idle", "b").stats().abandoned();
        state("idle", "a").stats().finished(false, 10, 20, null);
        state("idle", "a").stats().finished(false, 10, 20, null);
        assertThat(state("idle", "a").stats().inFlight()).isEqualTo(1);
        assertThat(providers(router.plan("idle", new Facts()))).containsExactly("b", "a", "c");
    }

    @Test
    void lowestCostPrefersTheCheaperModelAndPutsUnknownPricesLast() {
        RoutePlan plan = router.plan("cheap", new Facts());
        assertThat(providers(plan)).containsExactly("b", "a", "c");
        assertThat(plan.targets()).extracting(RouteTarget::pricePerMillion)
                .containsExactly(0.5, 10.0, Double.NaN);
    }

    @Test
    void anOpenBreakerGoesLast() {
        assertThat(providers(router.plan("chain", new Facts()))).containsExactly("a", "b", "c");
        state("chain", "a").breaker().forceOpen(System.nanoTime(), "health check failed");
        for (int i = 0; i < 100; i++) {
            assertThat(providers(router.plan("chain", new Facts()))).containsExactly("b", "c", "a");
        }
    }

    @Test
    void anOpenBreakerOutranksEveryStrategy() {
        succeeded(state("fast", "a"), 800, 5);
        succeeded(state("fast", "b"), 120, 5);
        state("fast", "b").breaker().forceOpen(System.nanoTime(), "down");
        for (int i = 0; i < 500; i++) { // exploration included: b is never first while its breaker is open
            assertThat(providers(router.plan("fast", new Facts()))).containsExactly("a", "b");
        }
        state("cheap", "b").breaker().forceOpen(System.nanoTime(), "down"); // the same target b/m
        assertThat(providers(router.plan("cheap", new Facts()))).containsExactly("a", "c", "b");
    }

    @Test
    void theFirstMatchingRuleWins() {
        Facts gold = new Facts();
        gold.metadata.put("tier", "gold");
        gold.headers.put("x-team", "eng"); // the second rule would match too
        assertThat(providers(router.plan("tiers", gold))).containsExactly("b");
        Facts eng = new Facts();
        eng.headers.put("x-team", "eng");
        assertThat(providers(router.plan("tiers", eng))).containsExactly("c");
        Facts ops = new Facts();
        ops.headers.put("x-team", "ops");
        assertThat(providers(router.plan("tiers", ops))).containsExactly("c", "b");
        assertThat(providers(router.plan("tiers", new Facts()))).containsExactly("a");
    }

    @Test
    void aRoutePlanCarriesTheRouteNameTriggersAndPublicName() {
        RoutePlan plan = router.plan("chain", new Facts());
        assertThat(plan.route()).isEqualTo("chain");
        assertThat(plan.fallsBackOn(FallbackTrigger.CONTEXT_LENGTH)).isTrue();
        assertThat(plan.fallsBackOn(FallbackTrigger.CONTENT_FILTER)).isFalse();
        assertThat(plan.fallsBackOn(null)).isFalse();
        // the alias resolves to its provider model, but metrics keep the route's name
        RouteTarget smart = plan.targets().getFirst();
        assertThat(smart.key()).isEqualTo("a/m");
        assertThat(smart.target().publicModel()).isEqualTo("chain");
        assertThat(router.plan("tiers", new Facts()).fallsBackOn(FallbackTrigger.ERROR)).isTrue(); // the default
    }

    @Test
    void dynamicPrefixResolvesTheRoute() {
        assertThat(router.isRoute("dynamic/tiers")).isTrue();
        RoutePlan plan = router.plan("dynamic/tiers", new Facts());
        assertThat(plan.route()).isEqualTo("tiers");
        assertThat(providers(plan)).containsExactly("a");
    }

    @Test
    void aModelThatIsNoRouteResolvesToOneTarget() {
        RoutePlan plan = router.plan("smart", new Facts());
        assertThat(plan.route()).isNull();
        assertThat(plan.fallbackOn()).isEmpty();
        assertThat(plan.targets()).singleElement().satisfies(t -> {
            assertThat(t.key()).isEqualTo("a/m");
            assertThat(t.target().publicModel()).isEqualTo("smart");
            assertThat(t.pricePerMillion()).isEqualTo(10.0);
        });
        assertThat(providers(router.plan("c/llama", new Facts()))).containsExactly("c");
        assertThat(router.isRoute("smart")).isFalse();
    }

    @Test
    void anUnknownModelIsModelNotFound() {
        for (String model : List.of("nope/x", "dynamic/nope", "splt", "dynamic/")) {
            assertThatThrownBy(() -> router.plan(model, new Facts())).as(model)
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.MODEL_NOT_FOUND);
                        assertThat(e.status()).isEqualTo(404);
                    });
        }
    }

    @Test
    void routesAreAdvertisedBeforeModels() {
        assertThat(router.advertised()).startsWith("split", "pinned", "tail", "by-key", "fast", "safe", "idle", "cheap",
                "chain", "tiers", "smart");
    }

    @Test
    void theRegistryKeepsOneStatePerProviderModelAcrossRoutes() {
        assertThat(state("fast", "a")).isSameAs(state("safe", "a"));
        Router rebuilt = Snapshot.build(new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get)
                .parse(CONFIG), ProviderCatalogue.bundled(), t -> null, registry, PriceLookup.UNKNOWN, Map.of()).router();
        assertThat(rebuilt.registry().state(rebuilt.routes().get("split").rules().getFirst().targets().getFirst()))
                .as("a reload keeps live state").isSameAs(state("fast", "a"));
    }
}
