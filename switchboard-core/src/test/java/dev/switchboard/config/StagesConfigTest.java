package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.stage.Stage;
import dev.switchboard.stage.StageCatalogue;
import dev.switchboard.stage.StageFactory;
import dev.switchboard.stage.StageSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stages: lists at the top, per team, key and route: order kept, mistakes reported with their path. */
class StagesConfigTest {
    private static final StageCatalogue TYPES = new StageCatalogue(List.of(factory("audit", false), factory("mask", true)));

    private static StageFactory factory(String type, boolean takesSettings) {
        return new StageFactory() {
            public String type() { return type; }

            public List<String> problems(StageSpec spec) {
                if (!takesSettings) {
                    return StageFactory.super.problems(spec);
                }
                return spec.settings().has("replacement") && spec.settings().get("replacement").isTextual()
                        ? List.of() : List.of("replacement: required, a string");
            }

            public Stage create(StageSpec spec) {
                return () -> spec.name();
            }
        };
    }

    private static GatewayConfig parse(String yaml) {
        return new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get, TYPES).parse(ConfigLoaderTest.VALID + yaml);
    }

    @Test
    void everyScopeKeepsItsOrder() {
        GatewayConfig c = parse("""
                stages: [audit, { type: mask, name: mask-emails, settings: { replacement: "[email]" } }]
                teams:
                  - { name: research, stages: [{ type: mask, settings: { replacement: x } }] }
                routes:
                  - name: fast
                    stages: [audit]
                    rules: [{ targets: [{ target: openai/gpt-4o }] }]
                """.replace("keys:", "keys:"));
        assertThat(c.stages().global()).extracting(StageSpec::name).containsExactly("audit", "mask-emails");
        assertThat(c.stages().global().get(1).settings().get("replacement").asText()).isEqualTo("[email]");
        assertThat(c.stages().byTeam().get("research")).extracting(StageSpec::type).containsExactly("mask");
        assertThat(c.stages().byRoute().get("fast")).extracting(StageSpec::type).containsExactly("audit");
    }

    @Test
    void aKeysStagesAreItsOwn() {
        GatewayConfig c = new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get, TYPES).parse(
                ConfigLoaderTest.VALID.replace("{ name: alice, key: sk-client-alice-1 }",
                        "{ name: alice, key: sk-client-alice-1, stages: [audit] }"));
        assertThat(c.stages().byKey().get("alice")).extracting(StageSpec::type).containsExactly("audit");
    }

    @Test
    void mistakesAreReportedWithPathsAndNearMisses() {
        assertThatThrownBy(() -> parse("""
                stages:
                  - audt
                  - { type: mask }
                  - { type: audit, name: a1, settings: { x: 1 } }
                  - { type: audit, nme: a2 }
                  - 42
                teams: [{ name: t, stages: audit }]
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("stages[0].type: unknown stage type 'audt' (did you mean 'audit'?)")
                .hasMessageContaining("stages[1].settings: replacement: required")
                .hasMessageContaining("stages[2].settings: this stage takes no settings")
                .hasMessageContaining("stages[3].nme: unknown key 'nme' (did you mean 'name'?)")
                .hasMessageContaining("stages[4]: expected a mapping")
                .hasMessageContaining("teams[0].stages: expected a list of stages");
    }

    @Test
    void twoStagesOfOneNameInAListAreRefused() {
        assertThatThrownBy(() -> parse("stages: [audit, audit]\n"))
                .hasMessageContaining("stages[1]: two stages named 'audit' in one list");
    }

    @Test
    void hostileNamesAreRefusedAndQuotedSafely() {
        assertThatThrownBy(() -> parse("stages: [{ type: audit, name: \"../x\\r\\n\" }, \"a\\u0000b\"]\n"))
                .hasMessageContaining("stages[0].name: a stage name is 1-64 letters")
                .hasMessageContaining("unknown stage type 'a?b'");
    }

    @Test
    void tooManyStagesInOneListIsAMistake() {
        String many = String.join(", ", java.util.Collections.nCopies(40, "audit"));
        assertThatThrownBy(() -> parse("stages: [" + many + "]\n")).hasMessageContaining("stages: at most 32 stages");
    }

    @Test
    void noStagesIsTheDefault() {
        assertThat(parse("").stages().isEmpty()).isTrue();
    }
}
