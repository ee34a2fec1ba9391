package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.catalogue.ProviderCatalogue;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The front-door settings under {@code server:}: read, defaulted, and reported when wrong. */
class FrontDoorConfigTest {
    private static GatewayConfig parse(String server) {
        return new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get).parse("""
                version: 1
                server: %s
                providers:
                  - { name: demo, type: demo }
                """.formatted(server));
    }

    @Test
    void readsEverySetting() {
        FrontDoorConfig f = parse("{ head_timeout: 5s, body_timeout: 20s, keep_alive_timeout: 90s, max_connections: 500, "
                + "max_connections_per_peer: 50, body_memory: 128MiB, body_memory_per_peer: 16MiB }").server().frontDoor();
        assertThat(f).isEqualTo(new FrontDoorConfig(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(90), 500, 50,
                128L * 1024 * 1024, 16L * 1024 * 1024));
    }

    @Test
    void defaultsWhenAbsent() {
        assertThat(parse("{ listen: 127.0.0.1:0 }").server().frontDoor()).isEqualTo(FrontDoorConfig.DEFAULTS);
        assertThat(ServerConfig.DEFAULTS.frontDoor()).isEqualTo(FrontDoorConfig.DEFAULTS);
    }

    @Test
    void reportsWrongValues() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> parse("{ head_timeout: soon, max_connections: 0, body_memory: lots, max_conections_per_peer: 3 }"));
        assertThat(String.join("\n", e.problems())).contains("server.head_timeout").contains("server.max_connections")
                .contains("server.body_memory").contains("max_connections_per_peer");
    }
}
