package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.runtime.Snapshot;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelResolverTest {
    private final ModelResolver resolver = Snapshot.build(new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get).parse("""
            providers:
              - { name: openai, type: openai, api_key: k, models: [gpt-4o] }
              - { name: groq, type: groq, api_key: k }
            models:
              - { name: smart, target: openai/gpt-4o }
            """), ProviderCatalogue.bundled(), t -> null).resolver();

    @Test
    void resolvesAliasesAndProviderSlashModel() {
        Target alias = resolver.resolve("smart");
        assertThat(alias.provider().name()).isEqualTo("openai");
        assertThat(alias.upstreamModel()).isEqualTo("gpt-4o");
        assertThat(alias.publicModel()).isEqualTo("smart");
        Target direct = resolver.resolve("groq/llama-3.3-70b-versatile");
        assertThat(direct.provider().baseUrl()).isEqualTo("https://api.groq.com/openai/v1");
        assertThat(direct.upstreamModel()).isEqualTo("llama-3.3-70b-versatile");
        assertThat(resolver.resolve("openai/ft:gpt-4o/org/x").upstreamModel()).isEqualTo("ft:gpt-4o/org/x");
    }

    @Test
    void unknownModelsAre404WithANearMiss() {
        assertThatThrownBy(() -> resolver.resolve("grok/llama"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.MODEL_NOT_FOUND);
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("did you mean 'groq'");
                });
        assertThatThrownBy(() -> resolver.resolve("smrt"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.getMessage()).contains("did you mean 'smart'"));
    }

    @Test
    void advertisesAliasesThenDeclaredModels() {
        assertThat(resolver.advertised()).containsExactly("smart", "openai/gpt-4o");
    }

    private static Snapshot snapshot(String yaml) {
        return Snapshot.build(new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get).parse(yaml),
                ProviderCatalogue.bundled(), t -> null);
    }

    @Test
    void upstreamModelsAreCanonicalAndCheckedPerDialect() {
        ModelResolver r = snapshot("""
                providers:
                  - { name: gem, type: gemini, api_key: k }
                  - { name: aws, type: bedrock, api_key: "AKID:secret", base_url: "https://bedrock-runtime.us-east-1.amazonaws.com" }
                  - { name: az, type: azure-openai, api_key: k, base_url: "https://x.openai.azure.com" }
                models:
                  - { name: pro, target: gem/models/gemini-2.5-pro }
                """).resolver();
        assertThat(r.resolve("gem/models/gemini-2.5-pro").upstreamModel()).isEqualTo("gemini-2.5-pro");
        assertThat(r.resolve("gem/gemini-2.5-pro").upstreamModel()).isEqualTo("gemini-2.5-pro");
        assertThat(r.resolve("pro").upstreamModel()).isEqualTo("gemini-2.5-pro");
        assertThat(r.resolve("aws/arn:aws:bedrock:us-east-1:1:inference-profile/us.x-v1:0").upstreamModel())
                .isEqualTo("arn:aws:bedrock:us-east-1:1:inference-profile/us.x-v1:0");
        for (String bad : java.util.List.of("gem/a/b", "gem/x:countTokens", "gem/models/..", "az/a/b", "aws/a/../b",
                "groq/..", "openai/a?b", "openai/a#b", "openai/a%2e", "openai/a b", "openai/a//b")) {
            ModelResolver any = bad.startsWith("openai/") || bad.startsWith("groq/") ? resolver : r;
            assertThatThrownBy(() -> any.resolve(bad)).as(bad).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.param()).isEqualTo("model");
            });
        }
        assertThatThrownBy(() -> snapshot("""
                providers: [ { name: gem, type: gemini, api_key: k } ]
                models: [ { name: bad, target: "gem/a:b" } ]
                """)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alias 'bad'");
    }
}
