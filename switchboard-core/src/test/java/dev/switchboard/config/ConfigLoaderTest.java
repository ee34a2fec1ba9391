package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.provider.Timeouts;
import dev.switchboard.provider.UnsupportedParams;
import dev.switchboard.routing.ModelAlias;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strict config reading: every mistake reported with its path and, where one is close, the word meant. */
class ConfigLoaderTest {
    static final String VALID = """
            version: 1
            server: { listen: 127.0.0.1:9000, max_body: 1MiB, event_loops: 2 }
            timeouts: { connect: 2s, first_byte: 30s }
            providers:
              - name: openai
                type: openai
                api_key: sk-provider-secret-1
                models: [gpt-4o]
                timeouts: { idle: 500ms }
            models:
              - { name: smart, target: openai/gpt-4o }
            keys:
              - { name: alice, key: sk-client-alice-1 }
            """;

    private static GatewayConfig parse(String yaml) {
        return parse(yaml, Map.of());
    }

    private static GatewayConfig parse(String yaml, Map<String, String> env) {
        return new ConfigLoader(ProviderCatalogue.bundled(), env::get).parse(yaml);
    }

    /** The problems reported for this config (it must be rejected with a ConfigException). */
    private static List<String> problems(String yaml) {
        return problems(yaml, Map.of());
    }

    private static List<String> problems(String yaml, Map<String, String> env) {
        try {
            parse(yaml, env);
        } catch (ConfigException e) {
            assertThat(e.problems()).isNotEmpty();
            assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
            return e.problems();
        }
        throw new AssertionError("the config was accepted:\n" + yaml);
    }

    @Test
    void validConfigIsRead() {
        GatewayConfig c = parse(VALID);
        assertThat(c.server()).isEqualTo(new ServerConfig("127.0.0.1", 9000, 1024 * 1024, 2, true, Duration.ofSeconds(30), true));
        assertThat(c.timeouts().connect()).isEqualTo(Duration.ofSeconds(2));
        ProviderConfig p = c.providers().get(0);
        assertThat(p.timeouts()).isEqualTo(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMillis(500),
                Timeouts.DEFAULTS.total()));
        assertThat(p.apiKey().value()).isEqualTo("sk-provider-secret-1");
        assertThat(p.toString()).doesNotContain("sk-provider-secret-1");
        assertThat(c.models()).containsExactly(new ModelAlias("smart", "openai/gpt-4o"));
        assertThat(c.keys().get(0).sha256()).isEqualTo(KeyDigest.sha256Hex("sk-client-alice-1"));
    }

    @Test
    void unknownKeyNamesItsPathAndTheNearestKey() {
        assertThat(problems(VALID.replace("    type: openai", "    typ: openai")))
                .contains("providers[0].typ: unknown key 'typ' (did you mean 'type'?)", "providers[0].type: required");
        assertThat(problems(VALID.replace("server: { listen:", "server: { listn:")))
                .containsExactly("server.listn: unknown key 'listn' (did you mean 'listen'?)");
        assertThat(problems(VALID.replace("timeouts: { idle: 500ms }", "timeouts: { firstbyte: 500ms }")))
                .containsExactly("providers[0].timeouts.firstbyte: unknown key 'firstbyte' (did you mean 'first_byte'?)");
        assertThat(problems(VALID.replace("models:\n  - { name: smart", "model:\n  - { name: smart")))
                .containsExactly("model: unknown key 'model' (did you mean 'models'?)");
    }

    @Test
    void unknownKeyFarFromAnyGetsNoSuggestion() {
        assertThat(problems(VALID + "colour: blue\n")).containsExactly("colour: unknown key 'colour'");
    }

    @Test
    void unknownProviderTypeSuggestsTheClosestType() {
        assertThat(problems(VALID.replace("type: openai", "type: grok")))
                .containsExactly("providers[0].type: unknown provider type 'grok' (did you mean 'groq'?)");
        assertThat(problems(VALID.replace("type: openai", "type: open-ai")))
                .containsExactly("providers[0].type: unknown provider type 'open-ai' (did you mean 'openai'?)");
    }

    @Test
    void unsupportedParamsIsRejectByDefaultOrDropAndChecked() {
        assertThat(parse(VALID).providers().get(0).unsupportedParams()).isEqualTo(UnsupportedParams.REJECT);
        String with = "    api_key: sk-provider-secret-1\n    unsupported_params: ";
        assertThat(parse(VALID.replace("    api_key: sk-provider-secret-1", with + "drop")).providers().get(0)
                .unsupportedParams()).isEqualTo(UnsupportedParams.DROP);
        assertThat(parse(VALID.replace("    api_key: sk-provider-secret-1", with + "reject")).providers().get(0)
                .unsupportedParams()).isEqualTo(UnsupportedParams.REJECT);
        assertThat(problems(VALID.replace("    api_key: sk-provider-secret-1", with + "rejct")))
                .containsExactly("providers[0].unsupported_params: expected 'reject' or 'drop', got 'rejct' (did you mean 'reject'?)");
        assertThat(problems(VALID.replace("    api_key: sk-provider-secret-1", with + "ignore")))
                .containsExactly("providers[0].unsupported_params: expected 'reject' or 'drop', got 'ignore'");
        assertThat(problems(VALID.replace("    api_key: sk-provider-secret-1", "    api_key: sk-provider-secret-1\n    unsuported_params: drop")))
                .containsExactly("providers[0].unsuported_params: unknown key 'unsuported_params' (did you mean 'unsupported_params'?)");
    }

    @Test
    void aliasTargetMustNameAKnownProvider() {
        assertThat(problems(VALID.replace("target: openai/gpt-4o", "target: opnai/gpt-4o")))
                .containsExactly("models[0].target: unknown provider 'opnai' (did you mean 'openai'?)");
        assertThat(problems(VALID.replace("target: openai/gpt-4o", "target: gpt-4o")))
                .containsExactly("models[0].target: expected provider/model, got 'gpt-4o'");
        assertThat(problems(VALID.replace("target: openai/gpt-4o", "target: openai/")))
                .containsExactly("models[0].target: expected provider/model, got 'openai/'");
    }

    @Test
    void missingEnvironmentVariableIsReportedByName() {
        String yaml = VALID.replace("api_key: sk-provider-secret-1", "api_key: ${env:OPENAI_API_KEY}");
        assertThat(problems(yaml)).containsExactly("providers[0].api_key: environment variable OPENAI_API_KEY is not set");
        assertThat(parse(yaml, Map.of("OPENAI_API_KEY", "sk-from-env")).providers().get(0).apiKey().value()).isEqualTo("sk-from-env");
    }

    @Test
    void envDefaultIsUsedWhenTheVariableIsUnsetOrEmpty() {
        String yaml = VALID.replace("listen: 127.0.0.1:9000", "listen: \"${env:HOST:-127.0.0.1}:${env:PORT:-7070}\"")
                .replace("api_key: sk-provider-secret-1", "api_key: \"sk-${env:KEY_SUFFIX:-fallback}\"");
        GatewayConfig defaults = parse(yaml);
        assertThat(defaults.server().port()).isEqualTo(7070);
        assertThat(defaults.server().host()).isEqualTo("127.0.0.1");
        assertThat(defaults.providers().get(0).apiKey().value()).isEqualTo("sk-fallback");
        GatewayConfig set = parse(yaml, Map.of("PORT", "7171", "KEY_SUFFIX", "real", "HOST", ""));
        assertThat(set.server().port()).isEqualTo(7171);
        assertThat(set.server().host()).isEqualTo("127.0.0.1");
        assertThat(set.providers().get(0).apiKey().value()).isEqualTo("sk-real");
    }

    @Test
    void malformedEnvReferenceIsReported() {
        assertThat(problems(VALID.replace("api_key: sk-provider-secret-1", "api_key: ${OPENAI_API_KEY}")))
                .containsExactly("providers[0].api_key: malformed reference; write ${env:NAME} or ${env:NAME:-default}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5 minutes", "0s", "-1s", "1.5s", "10", "abc", "99999999999999999999ms", "9999999999999999h", "9999999h"})
    void invalidDurationIsReportedWithItsPath(String value) {
        assertThat(problems(VALID.replace("idle: 500ms", "idle: \"" + value + "\"")))
                .containsExactly("providers[0].timeouts.idle: expected a duration such as 500ms, 30s, 5m, got '" + value + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"32 megs", "0", "-5MB", "1.5MiB", "99999999999999999999", "99999999999GiB"})
    void invalidSizeIsReportedWithItsPath(String value) {
        assertThat(problems(VALID.replace("max_body: 1MiB", "max_body: \"" + value + "\"")))
                .containsExactly("server.max_body: expected a size such as 32MiB, got '" + value + "'");
    }

    @Test
    void h2cIsOffUnlessAskedForAndOnlyABooleanTurnsItOn() {
        assertThat(parse(VALID).server().http2Cleartext()).isFalse();
        assertThat(parse(VALID.replace("event_loops: 2 }", "event_loops: 2, http2_cleartext: true }")).server().http2Cleartext())
                .isTrue();
        assertThat(problems(VALID.replace("event_loops: 2 }", "event_loops: 2, http2_cleartext: sometimes }")))
                .singleElement().asString().startsWith("server.http2_cleartext");
    }

    @Test
    void sizesAndDurationsInAllUnits() {
        GatewayConfig c = parse(VALID.replace("max_body: 1MiB", "max_body: 2KB").replace("idle: 500ms", "idle: 2m, total: 1h"));
        assertThat(c.server().maxBodyBytes()).isEqualTo(2000);
        assertThat(c.providers().get(0).timeouts().idle()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.providers().get(0).timeouts().total()).isEqualTo(Duration.ofHours(1));
        assertThat(parse(VALID.replace("max_body: 1MiB", "max_body: 4096")).server().maxBodyBytes()).isEqualTo(4096);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:-1", "host:http"})
    void invalidListenIsReported(String value) {
        assertThat(problems(VALID.replace("listen: 127.0.0.1:9000", "listen: \"" + value + "\"")))
                .containsExactly("server.listen: expected host:port, e.g. 0.0.0.0:8080, got '" + value + "'");
    }

    @Test
    void listenAcceptsIpv6AndAPortAlone() {
        ServerConfig v6 = parse(VALID.replace("listen: 127.0.0.1:9000", "listen: \"[::1]:8081\"")).server();
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.port()).isEqualTo(8081);
        ServerConfig portOnly = parse(VALID.replace("listen: 127.0.0.1:9000", "listen: \":9090\"")).server();
        assertThat(portOnly.host()).isEqualTo("0.0.0.0");
        assertThat(portOnly.port()).isEqualTo(9090);
    }

    @Test
    void duplicateNamesAreReported() {
        String yaml = """
                providers:
                  - { name: a, type: openai, api_key: k1 }
                  - { name: a, type: groq, api_key: k2 }
                models:
                  - { name: m, target: a/x }
                  - { name: m, target: a/y }
                keys:
                  - { name: k, key: sk-client-one-1 }
                  - { name: k, key: sk-client-two-2 }
                  - { name: same, key: sk-client-one-1 }
                """;
        assertThat(problems(yaml)).containsExactlyInAnyOrder(
                "providers[1].name: duplicate provider name 'a'",
                "models[1].name: duplicate model name 'm'",
                "keys[1].name: duplicate key name 'k'",
                "keys[2]: the same key is configured twice");
    }

    @Test
    void keyAndKeySha256TogetherAreRejected() {
        String yaml = VALID.replace("{ name: alice, key: sk-client-alice-1 }",
                "{ name: alice, key: sk-client-alice-1, key_sha256: " + KeyDigest.sha256Hex("sk-client-alice-1") + " }");
        assertThat(problems(yaml)).containsExactly("keys[0]: give either key or key_sha256, not both");
    }

    @Test
    void keyProblemsNeverEchoTheKey() {
        String yaml = VALID.replace("{ name: alice, key: sk-client-alice-1 }", "{ name: alice, key: sk-abc }")
                + "  - { name: bob, key_sha256: not-hex-sk-secret }\n  - { name: carol }\n";
        List<String> problems = problems(yaml);
        assertThat(problems).containsExactly(
                "keys[0].key: too short: client keys need at least 8 characters",
                "keys[1].key_sha256: expected 64 hex digits (sha256 of the key)",
                "keys[2]: missing key (or key_sha256)");
        assertThat(String.join("\n", problems)).doesNotContain("sk-abc").doesNotContain("not-hex-sk-secret");
    }

    @Test
    void providerRulesAreChecked() {
        String yaml = """
                providers:
                  - { name: "a/b", type: openai, api_key: k }
                  - { name: az, type: azure-openai, api_key: k }
                  - { name: oa, type: openai }
                  - { name: bad, type: openai, api_key: k, base_url: "ftp://example.com" }
                models:
                  - { name: oa/gpt-4o, target: oa/gpt-4o }
                """;
        assertThat(problems(yaml)).containsExactlyInAnyOrder(
                "providers[0].name: use letters, digits, '.', '_' and '-' (no '/'): 'a/b'",
                "providers[1].base_url: required for type 'azure-openai'",
                "providers[2].api_key: required for type 'openai' (use ${env:NAME})",
                "providers[3].base_url: expected an http:// or https:// URL, got 'ftp://example.com'",
                "models[0].name: 'oa/gpt-4o' would hide the provider/model name of provider 'oa'");
    }

    @Test
    void wrongShapesAndTypesAreReported() {
        String yaml = """
                version: 2
                server: { event_loops: -1, access_log: "yes" }
                timeouts: 30s
                providers: { name: x }
                models: [ "smart" ]
                keys:
                  - { name: k, key: sk-client-key-1, models: "openai/*" }
                """;
        assertThat(problems(yaml)).containsExactlyInAnyOrder(
                "version: only version 1 is supported",
                "server.event_loops: expected a whole number >= 0 (0 = one per core)",
                "server.access_log: expected true or false",
                "timeouts: expected a mapping",
                "providers: expected a list of providers",
                "models[0]: expected a mapping",
                "keys[0].models: expected a list of strings");
    }

    @Test
    void severalProblemsAreReportedAtOnceInFileOrder() {
        String yaml = """
                server: { listen: nowhere, max_body: lots }
                providers:
                  - { name: x, typ: openai, api_key: "${env:NOPE}" }
                  - { name: y, type: grok, api_key: k, timeouts: { idle: forever } }
                models:
                  - { name: smart, target: nowhere/gpt-4o }
                keys:
                  - { name: k, key: sk-client-key-1, key_sha256: abc }
                """;
        List<String> problems = problems(yaml);
        assertThat(problems).containsExactly(
                "server.listen: expected host:port, e.g. 0.0.0.0:8080, got 'nowhere'",
                "server.max_body: expected a size such as 32MiB, got 'lots'",
                "providers[0].typ: unknown key 'typ' (did you mean 'type'?)",
                "providers[0].type: required",
                "providers[0].api_key: environment variable NOPE is not set",
                "providers[1].type: unknown provider type 'grok' (did you mean 'groq'?)",
                "providers[1].timeouts.idle: expected a duration such as 500ms, 30s, 5m, got 'forever'",
                "models[0].target: unknown provider 'nowhere'",
                "keys[0]: give either key or key_sha256, not both");
    }

    @Test
    void emptyAndUnparsableFilesAreReported() {
        assertThat(problems("")).containsExactly("the config is empty");
        assertThat(problems("providers: [ { name: x ")).singleElement().asString().startsWith("not valid YAML");
        assertThat(problems("- just\n- a list\n")).containsExactly("expected a mapping");
    }

    @Test
    void unreadableFileIsAProblemNotACrash() {
        assertThatThrownBy(() -> ConfigLoader.withSystemEnv().load(java.nio.file.Path.of("/nonexistent/switchboard.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/nonexistent/switchboard.yaml: cannot read");
    }
}
