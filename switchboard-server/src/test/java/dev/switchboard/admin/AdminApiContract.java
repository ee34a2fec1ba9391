package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.store.Store;
import dev.switchboard.store.crypto.CredentialDecryptionException;
import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.store.ledger.UsageLedger;
import dev.switchboard.store.ledger.UsageLedgerSettings;
import dev.switchboard.store.repository.KeySecrets;
import dev.switchboard.usage.Usage;
import dev.switchboard.usage.UsageEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API driven over real HTTP against a real store; subclasses choose the database. */
abstract class AdminApiContract {
    @TempDir
    Path dir;

    AdminFixture admin;
    /** Answers that are meant to carry a secret (a key's create answer). */
    final List<String> secretAnswers = new ArrayList<>();

    abstract Store openStore(Path dir) throws Exception;

    @BeforeEach
    void startAdmin() throws Exception {
        admin = new AdminFixture(openStore(dir), true);
    }

    @AfterEach
    void scanAndStop() throws Exception {
        try {
            admin.assertNoSecretLeaked(secretAnswers);
        } finally {
            admin.close();
        }
    }

    AdminFixture.Answer call(String method, String path, String body) throws Exception {
        return admin.call(method, path, body);
    }

    JsonNode ok(int status, AdminFixture.Answer a) {
        assertThat(a.status()).as(a.raw()).isEqualTo(status);
        return a.json();
    }

    JsonNode createKey(String body) throws Exception {
        AdminFixture.Answer a = call("POST", "/admin/keys", body);
        JsonNode key = ok(201, a);
        admin.secrets.add(key.get("key").asText());
        secretAnswers.add(a.raw());
        return key;
    }

    static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void keyLifecycleShowsTheSecretOnceAndRevokes() throws Exception {
        ok(201, call("POST", "/admin/teams", "{\"name\":\"research\"}"));
        JsonNode key = createKey("""
                {"name":"ci-bot","team":"research","expires_in":"30d","allowed_models":["gpt-4o"],
                 "metadata":{"owner":"alice"},"limits":{"requests_per_minute":60},"budget":{"usd":12.5,"period":"day"}}""");
        String secret = key.get("key").asText();
        String hash = KeySecrets.sha256Hex(secret);
        assertThat(secret).startsWith("sk-sb-");
        assertThat(key.get("prefix").asText()).isEqualTo(secret.substring(0, 12));
        assertThat(key.get("warning").asText()).contains("only time");
        assertThat(key.get("team_id").asText()).startsWith("team_");
        assertThat(Instant.parse(key.get("expires_at").asText())).isAfter(Instant.now().plus(Duration.ofDays(29)));
        assertThat(key.get("budget").get("period").asText()).isEqualTo("day");
        assertThat(key.get("limits").get("requests_per_minute").asLong()).isEqualTo(60);
        assertThat(admin.store.keys().findActiveByHash(hash)).isPresent();

        String id = key.get("id").asText();
        AdminFixture.Answer list = call("GET", "/admin/keys", null);
        JsonNode listed = ok(200, list).get("data").get(0);
        assertThat(listed.get("prefix").asText()).isEqualTo(key.get("prefix").asText());
        assertThat(list.raw()).doesNotContain(secret).doesNotContain(hash).doesNotContain("\"key\"");
        AdminFixture.Answer one = call("GET", "/admin/keys/" + id, null);
        assertThat(ok(200, one).get("name").asText()).isEqualTo("ci-bot");
        assertThat(one.raw()).doesNotContain(secret).doesNotContain(hash);

        JsonNode patched = ok(200, call("PATCH", "/admin/keys/" + id, "{\"allowed_models\":[\"gpt-4o\",\"o3\"],\"budget\":null}"));
        assertThat(texts(patched.get("allowed_models"))).containsExactly("gpt-4o", "o3");
        assertThat(patched.get("budget").isNull()).isTrue();
        assertThat(patched.get("metadata").get("owner").asText()).isEqualTo("alice");

        JsonNode revoked = ok(200, call("POST", "/admin/keys/" + id + "/revoke", null));
        assertThat(revoked.get("revoked").asBoolean()).isTrue();
        assertThat(revoked.get("active").asBoolean()).isFalse();
        assertThat(admin.store.keys().findActiveByHash(hash)).isEmpty();
    }

    @Test
    void teamsCrud() throws Exception {
        JsonNode team = ok(201, call("POST", "/admin/teams", """
                {"name":"platform","allowed_models":["claude-sonnet"],"metadata":{"cost_center":"42"},
                 "limits":{"tokens_per_day":100000},"budget":{"usd":500,"period":"month"}}"""));
        String id = team.get("id").asText();
        assertThat(team.get("budget").get("usd").decimalValue()).isEqualByComparingTo("500");
        assertThat(ok(409, call("POST", "/admin/teams", "{\"name\":\"platform\"}")).get("error").get("code").asText())
                .isEqualTo("conflict");
        assertThat(ok(200, call("GET", "/admin/teams/" + id, null)).get("name").asText()).isEqualTo("platform");
        assertThat(ok(200, call("GET", "/admin/teams/platform", null)).get("id").asText()).isEqualTo(id);
        assertThat(ok(200, call("GET", "/admin/teams", null)).get("data")).hasSize(1);

        JsonNode updated = ok(200, call("PATCH", "/admin/teams/" + id, "{\"limits\":{\"requests_per_minute\":5}}"));
        assertThat(updated.get("limits").get("requests_per_minute").asLong()).isEqualTo(5);
        assertThat(updated.get("limits").get("tokens_per_day").isNull()).isTrue();
        assertThat(texts(updated.get("allowed_models"))).containsExactly("claude-sonnet");
        assertThat(admin.store.teams().get(id).orElseThrow().policy().limits().requestsPerMinute()).isEqualTo(5);

        createKey("{\"name\":\"member\",\"team\":\"" + id + "\"}");
        assertThat(ok(409, call("DELETE", "/admin/teams/" + id, null)).get("error").get("message").asText())
                .contains("still has 1 key");
        JsonNode empty = ok(201, call("POST", "/admin/teams", "{\"name\":\"empty\"}"));
        ok(200, call("DELETE", "/admin/teams/" + empty.get("id").asText(), null));
        ok(404, call("GET", "/admin/teams/" + empty.get("id").asText(), null));
    }

    @Test
    void credentialsAreStoredEncryptedNeverReturnedAndRotate() throws Exception {
        String apiKey = "sk-upstream-" + java.util.UUID.randomUUID();
        admin.secrets.add(apiKey);
        JsonNode cred = ok(201, call("POST", "/admin/credentials",
                "{\"provider\":\"openai\",\"label\":\"prod\",\"api_key\":\"" + apiKey + "\"}"));
        String id = cred.get("id").asText();
        assertThat(cred.get("master_key_fingerprint").asText()).isEqualTo(admin.masterKey.fingerprint());
        assertThat(ok(200, call("GET", "/admin/credentials", null)).get("data").get(0).get("label").asText())
                .isEqualTo("prod");
        assertThat(rawTableText("upstream_credentials")).isNotEmpty().noneMatch(cell -> cell.contains(apiKey));

        String newKeyBase64 = MasterKey.generateBase64();
        admin.secrets.add(newKeyBase64);
        ok(400, call("POST", "/admin/credentials/rotate", "{\"new_master_key\":\"not-base64!\"}"));
        JsonNode rotated = ok(200, call("POST", "/admin/credentials/rotate", "{\"new_master_key\":\"" + newKeyBase64 + "\"}"));
        MasterKey newKey = MasterKey.fromBase64(newKeyBase64);
        assertThat(rotated.get("rotated").asInt()).isEqualTo(1);
        assertThat(rotated.get("message").asText()).contains("SWITCHBOARD_MASTER_KEY");
        assertThat(admin.server.masterKey().fingerprint()).isEqualTo(newKey.fingerprint());
        assertThat(admin.store.credentials(newKey).decrypt(id).secret()).isEqualTo(apiKey);
        assertThatThrownBy(() -> admin.store.credentials(admin.masterKey).decrypt(id))
                .isInstanceOf(CredentialDecryptionException.class);
        // the server now writes under the new key
        JsonNode second = ok(201, call("POST", "/admin/credentials", "{\"provider\":\"anthropic\",\"api_key\":\"" + apiKey + "\"}"));
        assertThat(second.get("master_key_fingerprint").asText()).isEqualTo(newKey.fingerprint());

        ok(200, call("DELETE", "/admin/credentials/" + id, null));
        ok(404, call("DELETE", "/admin/credentials/" + id, null));
        assertThat(ok(200, call("GET", "/admin/credentials", null)).get("data")).hasSize(1);
    }

    @Test
    void approvalAddsTheModelAndRejectionDoesNot() throws Exception {
        JsonNode key = createKey("{\"name\":\"app\",\"allowed_models\":[\"gpt-4o\"]}");
        String keyId = key.get("id").asText();
        JsonNode req = ok(201, call("POST", "/admin/approvals",
                "{\"requester_kind\":\"key\",\"requester_id\":\"" + keyId + "\",\"model\":\"o3\",\"reason\":\"evals\"}"));
        JsonNode other = ok(201, call("POST", "/admin/approvals",
                "{\"requester_kind\":\"key\",\"requester_id\":\"" + keyId + "\",\"model\":\"gpt-5\"}"));
        assertThat(req.get("status").asText()).isEqualTo("pending");
        JsonNode pending = ok(200, call("GET", "/admin/approvals?status=pending", null)).get("data");
        assertThat(pending).hasSize(2);

        JsonNode approved = ok(200, admin.callAs("bob", "POST", "/admin/approvals/" + req.get("id").asText() + "/approve", null));
        assertThat(approved.get("status").asText()).isEqualTo("approved");
        assertThat(approved.get("decided_by").asText()).isEqualTo("bob via " + admin.actorPrefix());
        JsonNode rejected = ok(200, call("POST", "/admin/approvals/" + other.get("id").asText() + "/reject",
                "{\"note\":\"too expensive\"}"));
        assertThat(rejected.get("note").asText()).isEqualTo("too expensive");

        assertThat(admin.store.keys().get(keyId).orElseThrow().policy().allowedModels()).containsExactly("gpt-4o", "o3");
        assertThat(ok(200, call("GET", "/admin/approvals", null)).get("data")).isEmpty();
        ok(409, call("POST", "/admin/approvals/" + req.get("id").asText() + "/approve", null));
        ok(404, call("POST", "/admin/approvals/req_nope/approve", null));
        ok(404, call("POST", "/admin/approvals", "{\"requester_kind\":\"team\",\"requester_id\":\"ghost\",\"model\":\"x\"}"));
        ok(400, call("POST", "/admin/approvals", "{\"requester_kind\":\"user\",\"requester_id\":\"x\",\"model\":\"x\"}"));
    }

    @Test
    void everyChangeIsAuditedWithTheActorAndNoSecrets() throws Exception {
        Instant start = Instant.now().minusSeconds(1);
        JsonNode team = ok(201, admin.callAs("alice", "POST", "/admin/teams", "{\"name\":\"audited\"}"));
        JsonNode key = createKey("{\"name\":\"k1\",\"team\":\"audited\"}");
        ok(200, admin.callAs("alice", "POST", "/admin/keys/" + key.get("id").asText() + "/revoke", null));
        String apiKey = "sk-upstream-audit-" + java.util.UUID.randomUUID();
        admin.secrets.add(apiKey);
        ok(201, call("POST", "/admin/credentials", "{\"provider\":\"openai\",\"api_key\":\"" + apiKey + "\"}"));

        AdminFixture.Answer audit = call("GET", "/admin/audit?since=" + start + "&limit=50", null);
        JsonNode entries = ok(200, audit).get("data");
        List<String> actions = StreamSupport.stream(entries.spliterator(), false).map(e -> e.get("action").asText()).toList();
        assertThat(actions).containsSubsequence("team.create", "key.create", "key.revoke");
        assertThat(actions).anyMatch(a -> a.startsWith("credential."));
        for (JsonNode e : entries) {
            String expected = e.get("action").asText().equals("key.create") || e.get("action").asText().startsWith("credential")
                    ? admin.actorPrefix() : "alice via " + admin.actorPrefix();
            assertThat(e.get("actor").asText()).as(e.toString()).isEqualTo(expected);
        }
        assertThat(entries.get(0).get("target_id").asText()).isEqualTo(team.get("id").asText());
        assertThat(ok(200, call("GET", "/admin/audit?limit=1", null)).get("data")).hasSize(1);
        ok(400, call("GET", "/admin/audit?since=yesterday", null));
        ok(400, call("GET", "/admin/audit?limit=0", null));
    }

    @Test
    void usageReportGroupsAndTotals() throws Exception {
        Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
        try (UsageLedger ledger = admin.store.usageLedger(UsageLedgerSettings.defaults(dir.resolve("usage.journal")))) {
            ledger.record(event("r1", t0.plusSeconds(10), "alice", "red", "gpt-4o", 0.25));
            ledger.record(event("r2", t0.plusSeconds(20), "alice", "red", "gpt-4o", 0.5));
            ledger.record(event("r3", t0.plusSeconds(30), "bob", "blue", "claude", 1.0));
            ledger.record(event("r4", t0.plusSeconds(7200), "bob", "blue", "claude", 9.0));
            for (String id : java.util.List.of("r5", "r6")) { // the same caller id twice: two rows
                ledger.record(new UsageEvent(t0.plusSeconds(9000), id, "carol", "chat", "m", "openai", "m", false, 200,
                        new Usage(1, 1, 2, 0, 0), true, 40, -1, null, 0.5, "trace-1"));
            }
            assertThat(ledger.flush(Duration.ofSeconds(20))).isTrue();
        }
        JsonNode byCaller = ok(200, call("GET", "/admin/usage?group_by=key&client_request_id=trace-1", null));
        assertThat(byCaller.get("client_request_id").asText()).isEqualTo("trace-1");
        assertThat(byCaller.get("totals").get("requests").asLong()).isEqualTo(2);
        assertThat(byCaller.get("data").get(0).get("key").asText()).isEqualTo("carol");
        assertThat(ok(200, call("GET", "/admin/usage?request_id=r6", null)).get("totals").get("requests").asLong())
                .isEqualTo(1);
        ok(400, call("GET", "/admin/usage?client_request_id=" + "x".repeat(300), null));
        JsonNode report = ok(200, call("GET", "/admin/usage?from=" + t0 + "&to=" + t0.plusSeconds(3600) + "&group_by=team", null));
        assertThat(report.get("group_by").asText()).isEqualTo("team");
        assertThat(report.get("data")).hasSize(2);
        assertThat(report.get("data").get(0).get("team").asText()).isEqualTo("blue");
        JsonNode red = report.get("data").get(1);
        assertThat(red.get("requests").asLong()).isEqualTo(2);
        assertThat(red.get("prompt_tokens").asLong()).isEqualTo(200);
        assertThat(red.get("cost_usd").asDouble()).isEqualTo(0.75);
        JsonNode totals = report.get("totals");
        assertThat(totals.get("requests").asLong()).isEqualTo(3);
        assertThat(totals.get("completion_tokens").asLong()).isEqualTo(90);
        assertThat(totals.get("cached_tokens").asLong()).isEqualTo(45);
        assertThat(totals.get("reasoning_tokens").asLong()).isEqualTo(21);
        assertThat(totals.get("cost_usd").asDouble()).isEqualTo(1.75);
        JsonNode all = ok(200, call("GET", "/admin/usage?group_by=key", null));
        assertThat(all.get("totals").get("requests").asLong()).isEqualTo(6);
        assertThat(all.get("data").get(0).get("key").asText()).isEqualTo("bob");
        ok(400, call("GET", "/admin/usage?group_by=colour", null));
        ok(400, call("GET", "/admin/usage?from=" + t0.plusSeconds(10) + "&to=" + t0, null));
    }

    static UsageEvent event(String id, Instant at, String key, String team, String model, double cost) {
        return new UsageEvent(at, id, key, "chat", model, "openai", model + "-up", false, 200,
                new Usage(100, 30, 130, 15, 7), true, 40, -1, team, cost);
    }

    @Test
    void actorHeaderIsKeptPrintableAndShort() throws Exception {
        ok(201, admin.callAs("eve\tforged " + "y".repeat(300), "POST", "/admin/teams", "{\"name\":\"t\"}"));
        String actor = admin.store.audit().list(Instant.EPOCH, 10).getLast().actor();
        assertThat(actor).startsWith("eveforged y").endsWith(" via " + admin.actorPrefix()).doesNotContain("\t");
        assertThat(actor.length()).isLessThan(150);
    }

    @Test
    void refusesMissingWrongAndClientKeys() throws Exception {
        JsonNode client = createKey("{\"name\":\"client\"}");
        String clientSecret = client.get("key").asText();
        for (String auth : new String[] {null, "Bearer ", "Bearer wrong-admin-key", "Bearer " + clientSecret,
                "Basic " + admin.adminKey}) {
            AdminFixture.Answer a = admin.call("GET", "/admin/keys", null, auth, null);
            assertThat(a.status()).as(String.valueOf(auth == null ? "none" : auth.split(" ")[0])).isEqualTo(401);
            assertThat(a.json().get("error").get("type").asText()).isEqualTo("authentication_error");
        }
        // refused before the body is looked at: nothing is created
        admin.call("POST", "/admin/teams", "{\"name\":\"sneaky\"}", "Bearer " + clientSecret, null);
        assertThat(admin.store.teams().findByName("sneaky")).isEmpty();
    }

    @Test
    void badInputIs400AndUnknownIdsAre404() throws Exception {
        assertThat(ok(400, call("POST", "/admin/teams", "{\"name\":\"t\",\"colour\":\"red\"}")).get("error")
                .get("message").asText()).contains("colour");
        ok(400, call("POST", "/admin/teams", "{\"name\":\"t\",\"budget\":{\"usd\":5,\"period\":\"fortnight\"}}"));
        ok(400, call("POST", "/admin/teams", "{\"name\":\"t\",\"budget\":{\"usd\":-5}}"));
        ok(400, call("POST", "/admin/teams", "{\"name\":\"t\",\"limits\":{\"requests_per_minute\":\"many\"}}"));
        ok(400, call("POST", "/admin/teams", "{\"name\":\"t\",\"limits\":{\"rpm\":5}}"));
        ok(400, call("POST", "/admin/teams", "{\"name\":\"t\",\"allowed_models\":\"gpt-4o\"}"));
        ok(400, call("POST", "/admin/teams", "{}"));
        ok(400, call("POST", "/admin/teams", "[1,2]"));
        ok(400, call("POST", "/admin/teams", "{not json"));
        ok(400, call("POST", "/admin/teams", null));
        ok(400, call("POST", "/admin/keys", "{\"name\":\"k\",\"expires_in\":\"soon\"}"));
        ok(400, call("POST", "/admin/keys", "{\"name\":\"k\",\"expires_in\":\"0d\"}"));
        ok(400, call("POST", "/admin/keys", "{\"name\":\"k\",\"expires_at\":\"2020-01-01T00:00:00Z\"}"));
        ok(400, call("POST", "/admin/keys", "{\"name\":\"k\",\"expires_at\":\"next week\"}"));
        ok(400, call("POST", "/admin/keys", "{\"name\":\"k\",\"expires_in\":\"1d\",\"expires_at\":\"2099-01-01T00:00:00Z\"}"));
        ok(400, call("POST", "/admin/keys", "{\"name\":\"k\",\"secret\":\"mine\"}"));
        ok(400, call("POST", "/admin/credentials", "{\"provider\":\"openai\"}"));
        ok(400, call("GET", "/admin/approvals?status=approved", null));
        assertThat(admin.store.keys().list()).isEmpty();
        assertThat(admin.store.teams().list()).isEmpty();

        ok(404, call("POST", "/admin/keys", "{\"name\":\"k\",\"team\":\"ghost\"}"));
        ok(404, call("GET", "/admin/keys/key_nope", null));
        ok(404, call("PATCH", "/admin/keys/key_nope", "{\"allowed_models\":[]}"));
        ok(404, call("POST", "/admin/keys/key_nope/revoke", null));
        ok(404, call("GET", "/admin/teams/team_nope", null));
        ok(404, call("PATCH", "/admin/teams/team_nope", "{}"));
        ok(404, call("DELETE", "/admin/teams/team_nope", null));
        ok(404, call("GET", "/admin/nothing-here", null));
        ok(404, call("GET", "/elsewhere", null));
        ok(405, call("PUT", "/admin/teams", "{}"));
        ok(413, call("POST", "/admin/teams", "{\"name\":\"" + "x".repeat(70_000) + "\"}"));
    }

    @Test
    void credentialEndpointsAnswer503WithoutAMasterKey() throws Exception {
        try (AdminFixture keyless = new AdminFixture(openStore(dir.resolve("keyless")), false)) {
            for (String[] c : new String[][] {{"GET", "/admin/credentials", null},
                    {"POST", "/admin/credentials", "{\"provider\":\"openai\",\"api_key\":\"sk-x-503\"}"},
                    {"POST", "/admin/credentials/rotate", "{\"new_master_key\":\"" + MasterKey.generateBase64() + "\"}"}}) {
                AdminFixture.Answer a = keyless.call(c[0], c[1], c[2]);
                assertThat(a.status()).isEqualTo(503);
                assertThat(a.json().get("error").get("message").asText()).contains("SWITCHBOARD_MASTER_KEY");
            }
            ok(200, keyless.call("GET", "/admin/teams", null));
        }
    }

    List<String> rawTableText(String table) throws Exception {
        List<String> cells = new ArrayList<>();
        try (Connection c = admin.store.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    cells.add(v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)
                            : String.valueOf(v));
                }
            }
        }
        return cells;
    }
}
