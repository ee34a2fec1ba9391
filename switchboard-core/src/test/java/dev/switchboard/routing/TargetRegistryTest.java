package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.routing.condition.RequestFacts;
import dev.switchboard.runtime.Snapshot;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configured targets keep their state for good; direct targets named by clients are bounded. */
class TargetRegistryTest {
    private static final String CONFIG = """
            providers:
              - { name: a, type: openai, api_key: k, models: [declared] }
              - { name: b, type: anthropic, api_key: k }
            models:
              - { name: smart, target: b/aliased }
            routes:
              - name: chain
                rules: [ { targets: [a/routed, b/m] } ]
            """;
    /** The routes here have no conditions: no facts are read. */
    private static final RequestFacts NO_FACTS = null;

    private final TargetRegistry registry = new TargetRegistry();

    private Router router(String yaml) {
        return Snapshot.build(new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get).parse(yaml),
                ProviderCatalogue.bundled(), t -> null, registry, PriceLookup.UNKNOWN, Map.of()).router();
    }

    private TargetState state(Router router, String model) {
        return registry.state(router.plan(model, NO_FACTS).targets().get(0));
    }

    @Test
    void routesAliasesAndDeclaredModelsAreConfiguredTargets() {
        router(CONFIG);
        assertThat(registry.configuredTargets()).extracting(TargetState::key)
                .containsExactlyInAnyOrder("a/routed", "b/m", "b/aliased", "a/declared");
        assertThat(registry.configuredTargets()).allMatch(TargetState::configured);
    }

    @Test
    void thousandsOfDirectNamesKeepABoundedNumberOfStatesAndNeverEvictAConfiguredOne() {
        Router router = router(CONFIG);
        RouteTarget first = router.plan("chain", NO_FACTS).targets().get(0);
        TargetState routed = registry.state(first);
        routed.breaker().forceOpen(System.nanoTime(), "test");
        for (int i = 0; i < 10_000; i++) {
            TargetState s = state(router, "a/attacker-" + i);
            assertThat(s.configured()).isFalse();
        }
        assertThat(registry.directCount()).isLessThanOrEqualTo(TargetRegistry.MAX_DIRECT);
        assertThat(registry.all()).hasSizeLessThanOrEqualTo(TargetRegistry.MAX_DIRECT + 4);
        assertThat(registry.state(first)).isSameAs(routed);
        assertThat(state(router, "smart").configured()).isTrue();
        assertThat(state(router, "a/declared").configured()).isTrue();
        assertThat(routed.breaker().reason()).isEqualTo("test");
    }

    @Test
    void aReloadKeepsTheStateOfATargetAndPromotesADirectOne() {
        Router first = router(CONFIG);
        TargetState direct = state(first, "a/later");
        direct.breaker().forceOpen(System.nanoTime(), "open before the reload");
        TargetState routed = state(first, "chain");

        Router second = router(CONFIG.replace("[a/routed, b/m]", "[a/routed, a/later]"));
        TargetState promoted = state(second, "chain");
        assertThat(promoted.breaker()).isSameAs(routed.breaker());
        TargetState later = state(second, "a/later");
        assertThat(later.configured()).isTrue();
        assertThat(later.breaker()).isSameAs(direct.breaker());
        assertThat(state(second, "b/m").configured()).as("no longer named by the config").isFalse();
    }
}
