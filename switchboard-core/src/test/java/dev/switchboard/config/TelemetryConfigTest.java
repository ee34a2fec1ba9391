package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.catalogue.ProviderCatalogue;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code telemetry:} section: a token from the environment, a listener, strict keys. */
class TelemetryConfigTest {
    private static final String BASE = """
            version: 1
            providers:
              - { name: openai, type: openai, api_key: sk-provider-secret-1 }
            """;

    private static GatewayConfig parse(String yaml, Map<String, String> env) {
        return new ConfigLoader(ProviderCatalogue.bundled(), env::get).parse(BASE + yaml);
    }

    @Test
    void absentMeansTheMainListenerWithoutAToken() {
        GatewayConfig c = parse("", Map.of());
        assertThat(c.telemetry()).isEqualTo(TelemetryConfig.NONE);
        assertThat(c.telemetry().ownListener()).isFalse();
    }

    @Test
    void tokenFromTheEnvironmentAndAListener() {
        GatewayConfig c = parse("telemetry: { token: '${env:TM_TOKEN}', listen: 127.0.0.1:9464 }\n",
                Map.of("TM_TOKEN", "a-long-enough-telemetry-token"));
        assertThat(c.telemetry().token().value()).isEqualTo("a-long-enough-telemetry-token");
        assertThat(c.telemetry().token().toString()).isEqualTo("***");
        assertThat(c.telemetry().host()).isEqualTo("127.0.0.1");
        assertThat(c.telemetry().port()).isEqualTo(9464);
        assertThat(c.telemetry().ownListener()).isTrue();
    }

    @Test
    void mistakesAreReportedWithTheirPath() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> parse("telemetry: { tokn: x, token: short, listen: nowhere }\n", Map.of()));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("telemetry.tokn") || p.startsWith("telemetry: unknown"))
                .anyMatch(p -> p.startsWith("telemetry.token") && p.contains("16"))
                .anyMatch(p -> p.startsWith("telemetry.listen"));
    }
}
