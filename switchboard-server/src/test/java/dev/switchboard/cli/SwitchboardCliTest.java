package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code validate} and {@code models} as a user runs them: exit codes and what is printed where. */
class SwitchboardCliTest {
    static final String GOOD = """
            version: 1
            providers:
              - { name: oa, type: openai, api_key: sk-provider-secret-cli, models: [gpt-4o, gpt-4o-mini] }
              - { name: local, type: ollama }
              - { name: play, type: demo }
            models:
              - { name: smart, target: oa/gpt-4o }
              - { name: cheap, target: local/llama3.2 }
            keys:
              - { name: alice, key: sk-client-alice-cli }
            """;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void validateAcceptsAGoodFile() throws IOException {
        Path f = file("good.yaml", GOOD);
        int code = SwitchboardCli.run("validate", f.toString());
        assertThat(code).as(err()).isZero();
        assertThat(out()).isEqualTo(f + " is valid: 3 providers, 2 model aliases, 1 keys" + System.lineSeparator());
        assertThat(err()).isEmpty();
    }

    @Test
    void validateListsEveryProblemWithItsPathAndExits1() throws IOException {
        Path f = file("bad.yaml", GOOD.replace("{ name: oa, type: openai", "{ name: oa, typ: openai")
                .replace("type: ollama", "type: olama")
                .replace("target: local/llama3.2", "target: locl/llama3.2"));
        int code = SwitchboardCli.run("validate", f.toString());
        assertThat(code).isEqualTo(1);
        assertThat(out()).isEmpty();
        List<String> lines = err().lines().toList();
        assertThat(lines.get(0)).isEqualTo(f + " is invalid:");
        assertThat(lines.subList(1, lines.size())).containsExactly(
                "  providers[0].typ: unknown key 'typ' (did you mean 'type'?)",
                "  providers[0].type: required",
                "  providers[1].type: unknown provider type 'olama' (did you mean 'ollama'?)",
                "  models[1].target: unknown provider 'locl' (did you mean 'local'?)");
        assertThat(err()).doesNotContain("sk-provider-secret-cli").doesNotContain("sk-client-alice-cli");
    }

    @Test
    void validateReportsAMissingEnvironmentVariable() throws IOException {
        Path f = file("env.yaml", GOOD.replace("api_key: sk-provider-secret-cli", "api_key: \"${env:SWITCHBOARD_TEST_SURELY_UNSET_KEY}\""));
        assertThat(SwitchboardCli.run("validate", f.toString())).isEqualTo(1);
        assertThat(err()).contains("  providers[0].api_key: environment variable SWITCHBOARD_TEST_SURELY_UNSET_KEY is not set");
    }

    @Test
    void validateOfAMissingFileExits1() {
        Path f = dir.resolve("absent.yaml");
        assertThat(SwitchboardCli.run("validate", f.toString())).isEqualTo(1);
        assertThat(err()).contains(f + " is invalid:").contains("cannot read");
    }

    @Test
    void validateWithoutAFileIsAUsageError() {
        assertThat(SwitchboardCli.run("validate")).isEqualTo(2);
        assertThat(err()).contains("Missing required parameter").contains("FILE");
    }

    @Test
    void modelsPrintsAliasesAndProviderModelsWithWhereTheyGo() throws IOException {
        Path f = file("good.yaml", GOOD);
        int code = SwitchboardCli.run("models", "--config", f.toString());
        assertThat(code).as(err()).isZero();
        List<String> lines = out().lines().map(String::strip).toList();
        assertThat(lines.get(0)).matches("MODEL\\s+PROVIDER\\s+TYPE\\s+UPSTREAM MODEL");
        assertThat(lines.subList(1, lines.size())).satisfiesExactly(
                l -> assertThat(l).matches("smart\\s+oa\\s+openai\\s+gpt-4o"),
                l -> assertThat(l).matches("cheap\\s+local\\s+ollama\\s+llama3\\.2"),
                l -> assertThat(l).matches("oa/gpt-4o\\s+oa\\s+openai\\s+gpt-4o"),
                l -> assertThat(l).matches("oa/gpt-4o-mini\\s+oa\\s+openai\\s+gpt-4o-mini"),
                l -> assertThat(l).matches("local/\\*\\s+local\\s+ollama\\s+\\(any model, by provider/model\\)"),
                l -> assertThat(l).matches("play/\\*\\s+play\\s+demo\\s+\\(any model, by provider/model\\)"));
        assertThat(out()).doesNotContain("sk-provider-secret-cli");
    }

    @Test
    void modelsWithAnInvalidConfigExits1WithTheProblems() throws IOException {
        Path f = file("bad.yaml", GOOD.replace("type: openai", "type: grok"));
        assertThat(SwitchboardCli.run("models", "-c", f.toString())).isEqualTo(1);
        assertThat(err()).contains(f + " is invalid:")
                .contains("  providers[0].type: unknown provider type 'grok' (did you mean 'groq'?)");
        assertThat(out()).isEmpty();
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        assertThat(SwitchboardCli.run("valdate")).isEqualTo(2);
        assertThat(err()).contains("valdate");
    }
}
