package dev.switchboard.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.KeyConfig;
import dev.switchboard.config.KeyDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelPolicyTest {
    @Test
    void exactNamesProviderPatternsAndWildcard() {
        ModelPolicy p = new ModelPolicy(List.of("smart", "openai/*"));
        assertThat(p.allows("smart")).isTrue();
        assertThat(p.allows("openai/gpt-4o")).isTrue();
        assertThat(p.allows("openaix/gpt-4o")).isFalse();
        assertThat(p.allows("deepseek/deepseek-chat")).isFalse();
        assertThat(new ModelPolicy(List.of("*")).allows("anything/at-all")).isTrue();
        assertThat(ModelPolicy.ALL.allows("x/y")).isTrue();
    }

    @Test
    void noneAllowsNothingNotEvenASentinelName() {
        for (String name : List.of("\0", "", "x/y", "*")) {
            assertThat(ModelPolicy.NONE.allows(name)).as(name).isFalse();
        }
        assertThat(ModelPolicy.NONE).isNotEqualTo(ModelPolicy.ALL);
    }

    @Test
    void keysAreFoundByDigestOnly() {
        KeyIndex index = new KeyIndex(List.of(new KeyConfig("team-a", KeyDigest.sha256Hex("sk-team-a-123"), List.of())));
        assertThat(index.find("sk-team-a-123").name()).isEqualTo("team-a");
        assertThat(index.find("sk-team-a-124")).isNull();
    }
}
