package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.catalogue.ProviderCatalogue;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code limits.expected_output_tokens}: the output reserved for a model before any answer of it was seen. */
class ExpectedOutputConfigTest {
    static final String YAML = """
            version: 1
            providers:
              - { name: openai, type: openai, api_key: sk-provider-secret-1 }
            %s
            keys:
              - { name: alice, key: sk-client-alice-1 }
            """;

    private static LimitsConfig parse(String extra) {
        return new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get).parse(YAML.formatted(extra))
                .governance().limits();
    }

    @Test
    void defaultsTo256AndIsRead() {
        assertThat(parse("").expectedOutputTokens()).isEqualTo(256);
        assertThat(parse("limits: { key_default: { requests_per_minute: 5 } }").expectedOutputTokens()).isEqualTo(256);
        assertThat(parse("limits: { expected_output_tokens: 40 }").expectedOutputTokens()).isEqualTo(40);
    }

    @Test
    void badValuesAreReportedByPath() {
        for (String bad : new String[] {"0", "-3", "1.5", "lots", "20000000", "[1]"}) {
            assertThatThrownBy(() -> parse("limits: { expected_output_tokens: " + bad + " }")).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("limits.expected_output_tokens");
        }
        assertThatThrownBy(() -> parse("limits: { expected_output_token: 40 }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("expected_output_token");
    }
}
