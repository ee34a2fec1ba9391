package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.provider.UpstreamLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code providers[].max_connections} and {@code providers[].max_response_body}: defaults, values, bad input. */
class UpstreamLimitsConfigTest {
    static final String YAML = """
            version: 1
            providers:
              - name: openai
                type: openai
                api_key: sk-provider-secret-1
            %s
            keys:
              - { name: alice, key: sk-client-alice-1 }
            """;

    private static GatewayConfig parse(String extra) {
        return new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get).parse(YAML.formatted(extra));
    }

    @Test
    void defaultsDoNotCapConnectionsAndBoundAnswersAt64MiB() {
        UpstreamLimits limits = parse("").providers().get(0).limits();
        assertThat(limits.maxConnections()).isZero();
        assertThat(limits.maxResponseBytes()).isEqualTo(64 * 1024 * 1024);
    }

    @Test
    void valuesAreRead() {
        UpstreamLimits limits = parse("    max_connections: 4\n    max_response_body: 1MiB").providers().get(0).limits();
        assertThat(limits).isEqualTo(new UpstreamLimits(4, 1024 * 1024));
    }

    @Test
    void badValuesAreReportedByPath() {
        assertThatThrownBy(() -> parse("    max_connections: -1"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("providers[0].max_connections");
        assertThatThrownBy(() -> parse("    max_connections: lots"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("providers[0].max_connections");
        assertThatThrownBy(() -> parse("    max_response_body: huge"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("providers[0].max_response_body");
        assertThatThrownBy(() -> parse("    max_response_body: 0"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("providers[0].max_response_body");
        assertThatThrownBy(() -> parse("    max_response_body: 3GiB"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("providers[0].max_response_body");
    }
}
