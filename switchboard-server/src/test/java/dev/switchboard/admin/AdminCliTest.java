package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.cli.SwitchboardCli;
import dev.switchboard.json.Json;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.store.ledger.UsageLedger;
import dev.switchboard.store.ledger.UsageLedgerSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin CLI commands as an operator runs them, against a real admin server and SQLite store. */
class AdminCliTest {
    @TempDir
    Path dir;

    private AdminFixture admin;
    private final List<String> outputs = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void start() throws Exception {
        admin = new AdminFixture(Store.open(new StoreSettings("sqlite:" + dir.resolve("store.db"), null, null, 1)), true);
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() throws Exception {
        System.setOut(originalOut);
        System.setErr(originalErr);
        admin.close();
    }

    /** Runs a command with the admin URL and key, returning exit code; stdout/stderr are kept per run. */
    private int cli(String... args) {
        out.reset();
        err.reset();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--admin-url", admin.url(), "--admin-key", admin.adminKey));
        int code = SwitchboardCli.run(all.toArray(String[]::new));
        outputs.add(out() + err());
        return code;
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void keysAndTeamsFromTheCommandLine() throws Exception {
        assertThat(cli("teams", "create", "research", "--model", "gpt-4o", "--budget-usd", "100", "--meta", "cc=7"))
                .as(err()).isZero();
        assertThat(out()).contains("Created team research");
        assertThat(cli("teams", "update", "research", "--rpm", "10")).as(err()).isZero();
        assertThat(admin.store.teams().findByName("research").orElseThrow().policy().limits().requestsPerMinute())
                .isEqualTo(10);
        assertThat(cli("teams", "list")).isZero();
        assertThat(out()).contains("NAME").contains("research").contains("gpt-4o").contains("100 USD/month");

        assertThat(cli("keys", "create", "ci-bot", "--team", "research", "--expires-in", "30d", "--actor", "carol"))
                .as(err()).isZero();
        String created = out();
        Matcher m = Pattern.compile("sk-sb-[0-9A-Za-z]{40}").matcher(created);
        assertThat(m.find()).as(created).isTrue();
        String secret = m.group();
        assertThat(created).contains("WARNING").contains("cannot be shown again");
        assertThat(created.indexOf(secret)).isEqualTo(created.lastIndexOf(secret));
        String keyId = admin.store.keys().list().getFirst().id();

        assertThat(cli("keys", "list")).isZero();
        assertThat(out()).contains(secret.substring(0, 12)).contains("active").doesNotContain(secret);
        assertThat(cli("keys", "list", "--json")).isZero();
        JsonNode listed = Json.MAPPER.readTree(out());
        assertThat(listed.get("data").get(0).get("prefix").asText()).isEqualTo(secret.substring(0, 12));
        assertThat(listed.get("data").get(0).has("key")).isFalse();

        assertThat(cli("teams", "delete", "research")).isEqualTo(1);
        assertThat(err()).contains("still has 1 key").contains("HTTP 409");
        assertThat(cli("keys", "revoke", keyId)).isZero();
        assertThat(out()).contains("Revoked key ci-bot");
        assertThat(admin.store.keys().get(keyId).orElseThrow().revoked()).isTrue();

        assertThat(cli("audit")).isZero();
        assertThat(out()).contains("key.create").contains("carol via " + admin.actorPrefix()).doesNotContain(secret);
        assertNoSecretsIn(outputs.subList(0, 4), outputs.subList(5, outputs.size()));
    }

    @Test
    void approvalsCredentialsAndUsage() throws Exception {
        assertThat(cli("keys", "create", "app", "--model", "gpt-4o")).isZero();
        String keyId = admin.store.keys().list().getFirst().id();
        assertThat(cli("approvals", "request", "--key", keyId, "--model", "o3", "--reason", "evals")).as(err()).isZero();
        assertThat(cli("approvals", "list")).isZero();
        assertThat(out()).contains("key:" + keyId).contains("o3").contains("evals");
        String reqId = admin.store.approvals().listPending().getFirst().id();
        assertThat(cli("approvals", "approve", reqId)).isZero();
        assertThat(admin.store.keys().get(keyId).orElseThrow().policy().allowedModels()).contains("o3");
        assertThat(cli("approvals", "request", "--key", keyId, "--model", "gpt-5")).isZero();
        String second = admin.store.approvals().listPending().getFirst().id();
        assertThat(cli("approvals", "reject", second, "--note", "no")).isZero();
        assertThat(admin.store.keys().get(keyId).orElseThrow().policy().allowedModels()).doesNotContain("gpt-5");

        String apiKey = "sk-upstream-cli-" + java.util.UUID.randomUUID();
        admin.secrets.add(apiKey);
        Path keyFile = Files.writeString(dir.resolve("openai.key"), apiKey + "\n");
        assertThat(cli("credentials", "add", "--provider", "openai", "--label", "prod", "--api-key-file",
                keyFile.toString())).as(err()).isZero();
        assertThat(cli("credentials", "list")).isZero();
        assertThat(out()).contains("openai").contains("prod").contains(admin.masterKey.fingerprint());
        String newMaster = MasterKey.generateBase64();
        admin.secrets.add(newMaster);
        Path masterFile = Files.writeString(dir.resolve("new.key"), newMaster);
        assertThat(cli("credentials", "rotate", "--new-master-key-file", masterFile.toString())).as(err()).isZero();
        assertThat(out()).contains("Re-encrypted 1 credential").contains("SWITCHBOARD_MASTER_KEY");
        String credId = admin.store.credentials(MasterKey.fromBase64(newMaster)).list().getFirst().id();
        assertThat(admin.store.credentials(MasterKey.fromBase64(newMaster)).decrypt(credId).secret()).isEqualTo(apiKey);
        assertThat(cli("credentials", "delete", credId)).isZero();

        Instant t0 = Instant.parse("2026-04-01T00:00:00Z");
        try (UsageLedger ledger = admin.store.usageLedger(UsageLedgerSettings.defaults(dir.resolve("usage.journal")))) {
            ledger.record(AdminApiContract.event("u1", t0, "app", null, "gpt-4o", 0.5));
            ledger.record(AdminApiContract.event("u2", t0.plusSeconds(5), "app", null, "o3", 2.0));
            assertThat(ledger.flush(Duration.ofSeconds(20))).isTrue();
        }
        assertThat(cli("usage", "--from", t0.toString(), "--to", t0.plusSeconds(60).toString(), "--group-by", "model"))
                .as(err()).isZero();
        assertThat(out()).contains("MODEL").contains("o3").contains("gpt-4o").containsPattern("TOTAL\\s+2\\s+200")
                .contains("2.500000");
        assertThat(cli("usage", "--group-by", "colour")).isEqualTo(1);
        assertThat(err()).contains("group_by").contains("HTTP 400");
        assertNoSecretsIn(outputs);
    }

    @Test
    void wrongOrMissingAdminKeyFailsClearly() {
        int code = SwitchboardCli.run("keys", "list", "--admin-url", admin.url(), "--admin-key", "not-the-key");
        assertThat(code).isEqualTo(1);
        assertThat(err()).contains("HTTP 401").doesNotContain("not-the-key");
        err.reset();
        if (System.getenv("SWITCHBOARD_ADMIN_KEY") == null) {
            assertThat(SwitchboardCli.run("teams", "list", "--admin-url", admin.url())).isEqualTo(1);
            assertThat(err()).contains("SWITCHBOARD_ADMIN_KEY");
        }
        assertThat(SwitchboardCli.run("teams", "list", "--admin-url", "http://127.0.0.1:1", "--admin-key", "x"))
                .isEqualTo(1);
        assertThat(err()).contains("cannot reach the admin API");
    }

    @SafeVarargs
    private void assertNoSecretsIn(List<String>... groups) {
        for (List<String> group : groups) {
            for (String text : group) {
                for (String secret : admin.secrets) {
                    assertThat(text).doesNotContain(secret);
                }
            }
        }
        admin.assertNoSecretLeaked(admin.bodies.stream().filter(b -> b.contains("\"key\":\"sk-sb-")).toList());
    }
}
