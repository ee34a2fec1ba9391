package dev.switchboard.server.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.RateLimitConfig;
import dev.switchboard.routing.PriceLookup;
import dev.switchboard.routing.Router;
import dev.switchboard.routing.TargetRegistry;
import dev.switchboard.runtime.Snapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelLimitsTest {
    private static final String CONFIG = """
            version: 1
            providers:
              - { name: gem, type: gemini, base_url: "http://127.0.0.1:1/v1beta", api_key: k }
              - { name: oa, type: openai, base_url: "http://127.0.0.1:1/v1", api_key: k }
            models:
              - { name: flash, target: gem/gemini-2.5-flash }
            routes:
              - name: support
                rules:
                  - targets: [oa/gpt-4o, gem/gemini-2.5-flash]
            """;

    private final Router router = Snapshot.build(new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get)
            .parse(CONFIG), ProviderCatalogue.bundled(), t -> null, new TargetRegistry(), PriceLookup.UNKNOWN, Map.of()).router();

    @Test
    void everySpellingOfATargetSharesOneLimitTheTightest() {
        Map<String, RateLimitConfig> configured = new LinkedHashMap<>();
        configured.put("gem/gemini-2.5-flash", new RateLimitConfig(10L, null, 5000L));
        configured.put("flash", new RateLimitConfig(3L, 1000L, null));
        configured.put("gem/models/Gemini-2.5-Flash", new RateLimitConfig(7L, null, null));
        ModelLimits limits = ModelLimits.of(configured, router);
        assertThat(limits.forTarget("gem/gemini-2.5-flash")).isEqualTo(new RateLimitConfig(3L, 1000L, 5000L));
        assertThat(limits.forTarget("oa/gpt-4o")).isNull();
    }

    @Test
    void routeNamesLimitTheRouteAndUnknownNamesNothing() {
        ModelLimits limits = ModelLimits.of(Map.of("dynamic/support", new RateLimitConfig(2L, null, null),
                "nope/x", new RateLimitConfig(1L, null, null), "no-such-alias", new RateLimitConfig(1L, null, null)), router);
        assertThat(limits.forRoute("support")).isEqualTo(new RateLimitConfig(2L, null, null));
        assertThat(limits.forTarget("oa/gpt-4o")).isNull();
        assertThat(ModelLimits.of(Map.of(), router).isEmpty()).isTrue();
    }

    @Test
    void refusalsNameNoInternalIds() {
        assertThat(ScopeIds.whose(ScopeIds.key("abc"))).isEqualTo("your key's");
        assertThat(ScopeIds.whose(ScopeIds.keyAndModel("abc", "oa/gpt-4o"))).isEqualTo("your key's per-model");
        assertThat(ScopeIds.whose(ScopeIds.team("red"))).isEqualTo("your team's");
        assertThat(ScopeIds.whose(ScopeIds.model("oa/gpt-4o"))).isEqualTo("this model's");
        assertThat(ScopeIds.whose(ScopeIds.route("support"))).isEqualTo("this route's");
        assertThat(ScopeIds.whose(null)).isEqualTo("a");
    }
}
