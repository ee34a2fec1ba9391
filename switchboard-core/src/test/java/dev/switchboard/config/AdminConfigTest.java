package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.catalogue.ProviderCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin section: long admin keys that are not client keys, an optional TLS listener and network allow list, the
 * API switched off (not a public fallback) when its key variable is unset, and a warning for any secret that fell
 * back to a default written in the file.
 */
class AdminConfigTest {
    static final String ADMIN_KEY = "sk-admin-0123456789abcdef0123456789";

    @TempDir
    Path dir;

    static String config(String admin, String keys) {
        return """
                version: 1
                providers: [ { name: p, type: demo } ]
                store: { url: "sqlite:/tmp/x.db" }
                admin: %s
                keys: %s
                """.formatted(admin, keys);
    }

    static ConfigLoader loader(Map<String, String> env) {
        return new ConfigLoader(ProviderCatalogue.bundled(), env::get);
    }

    static List<String> problems(String yaml, Map<String, String> env) {
        try {
            loader(env).parse(yaml);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("config accepted: " + yaml);
    }

    @Test
    void adminKeysNeedThirtyTwoCharactersAndMayNotBeClientKeys() {
        assertThat(problems(config("{ keys: [ { name: ops, key: sk-admin-short-1234 } ] }", "[]"), Map.of()))
                .anySatisfy(p -> assertThat(p).contains("admin.keys[0].key").contains("at least 32"));
        assertThat(problems(config("{ keys: [ { name: ops, key: " + ADMIN_KEY + " } ] }",
                "[ { name: app, key: " + ADMIN_KEY + " } ]"), Map.of()))
                .anySatisfy(p -> assertThat(p).contains("admin.keys").contains("also a client key"));
        // client keys keep their 8-character minimum
        GatewayConfig ok = loader(Map.of()).parse(config("{ keys: [ { name: ops, key: " + ADMIN_KEY + " } ] }",
                "[ { name: app, key: sk-12345 } ]"));
        assertThat(ok.governance().admin().keys()).hasSize(1);
        assertThat(ok.governance().admin().host()).isEqualTo("127.0.0.1");
        assertThat(ok.governance().admin().tlsCert()).isNull();
    }

    @Test
    void tlsAndAllowAreRead() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        Path key = Files.writeString(dir.resolve("key.pem"), "x");
        AdminConfig a = loader(Map.of()).parse(config("{ listen: 0.0.0.0:9443, tls: { cert: \"" + cert + "\", key: \"" + key
                + "\" }, allow: [10.0.0.0/8], keys: [ { name: ops, key: " + ADMIN_KEY + " } ] }", "[]")).governance().admin();
        assertThat(a.tlsCert()).isEqualTo(cert.toString());
        assertThat(a.tlsKey()).isEqualTo(key.toString());
        assertThat(a.allow()).containsExactly("10.0.0.0/8");

        assertThat(problems(config("{ tls: { cert: /nonexistent/cert.pem }, allow: [not-a-cidr], "
                + "keys: [ { name: ops, key: " + ADMIN_KEY + " } ] }", "[]"), Map.of()))
                .anySatisfy(p -> assertThat(p).contains("admin.tls.cert").contains("cannot read"))
                .anySatisfy(p -> assertThat(p).contains("admin.tls.key").contains("required"))
                .anySatisfy(p -> assertThat(p).contains("admin.allow"));
    }

    @Test
    void anUnsetOptionalAdminKeyTurnsTheApiOffInsteadOfFallingBack() {
        String yaml = config("{ keys: [ { name: ops, key: \"${env:SB_ADMIN:-}\" } ] }", "[]");
        assertThat(loader(Map.of()).parse(yaml).governance().admin().keys()).isEmpty();
        assertThat(loader(Map.of("SB_ADMIN", ADMIN_KEY)).parse(yaml).governance().admin().keys()).hasSize(1);
        assertThat(problems(yaml, Map.of("SB_ADMIN", "short-admin-key")))
                .anySatisfy(p -> assertThat(p).contains("at least 32"));
        // no key at all is still a mistake
        assertThat(problems(config("{ keys: [] }", "[]"), Map.of())).anySatisfy(p -> assertThat(p).contains("admin.keys"));
    }

    @Test
    void aSecretOnItsDefaultIsAWarningThatNamesTheVariableButNotTheValue() {
        ConfigLoader l = loader(Map.of());
        l.parse(config("{ keys: [ { name: ops, key: \"${env:SB_ADMIN:-" + ADMIN_KEY + "}\" } ] }",
                "[ { name: demo, key: \"${env:DEMO_KEY:-sk-public-demo}\" } ]"));
        assertThat(l.warnings()).hasSize(2)
                .anySatisfy(w -> assertThat(w).contains("keys[0].key").contains("DEMO_KEY"))
                .anySatisfy(w -> assertThat(w).contains("admin.keys[0].key").contains("SB_ADMIN"))
                .noneSatisfy(w -> assertThat(w).contains("sk-public-demo"))
                .noneSatisfy(w -> assertThat(w).contains(ADMIN_KEY));
        ConfigLoader set = loader(Map.of("DEMO_KEY", "sk-from-the-env-1"));
        set.parse(config("{ keys: [ { name: ops, key: " + ADMIN_KEY + " } ] }",
                "[ { name: demo, key: \"${env:DEMO_KEY:-sk-public-demo}\" } ]"));
        assertThat(set.warnings()).isEmpty();
    }

    @Test
    void theExampleConfigHasNoPublicAdminKeyAndKeepsTheDemoKeyOnTheDemo() {
        Path example = Path.of("..", "config", "switchboard.example.yaml");
        GatewayConfig c = loader(Map.of()).load(example);
        assertThat(c.server().host()).isEqualTo("127.0.0.1");
        assertThat(c.governance().admin().host()).isEqualTo("127.0.0.1");
        assertThat(c.governance().admin().keys()).as("admin off without SWITCHBOARD_ADMIN_KEY").isEmpty();
        assertThat(c.keys()).singleElement().satisfies(k -> {
            assertThat(k.models()).containsExactlyInAnyOrder("echo", "demo/echo");
        });
        assertThat(loader(Map.of("SWITCHBOARD_ADMIN_KEY", ADMIN_KEY)).load(example).governance().admin().keys()).hasSize(1);
    }
}
