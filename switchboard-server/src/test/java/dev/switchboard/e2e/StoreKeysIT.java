package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static dev.switchboard.testing.GovHttp.awaitStatus;
import static dev.switchboard.testing.GovHttp.chat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.store.repository.CreatedKey;
import dev.switchboard.store.repository.KeyRecord;
import dev.switchboard.store.repository.KeySecrets;
import dev.switchboard.store.repository.NewKey;
import dev.switchboard.store.repository.TeamRecord;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.GovHttp;
import dev.switchboard.testing.LogCapture;
import dev.switchboard.usage.UsageEvent;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client keys created through the store API (on the same SQLite file the gateway uses) authenticate within a
 * refresh, are stored as hash + prefix only, stop working when revoked or expired, and carry their own and their
 * team's model allow lists; config keys keep working next to them.
 */
class StoreKeysIT {
    static final Duration PICKUP = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static FakeUpstream upstream;
    static GatewayFixture gateway;
    static Store store;
    static LogCapture logs;
    static final List<String> secrets = new CopyOnWriteArrayList<>(List.of(GatewayFixture.KEY, GatewayFixture.UPSTREAM_KEY));

    @BeforeAll
    static void start() {
        logs = LogCapture.start();
        upstream = FakeUpstream.start();
        String url = "sqlite:" + dir.resolve("store.db");
        store = Store.open(new StoreSettings(url, null, null, 1));
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                store: { url: "%s", key_refresh: 100ms }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o, gpt-4o-mini, o3] }
                models:
                  - { name: smart, target: fake/gpt-4o }
                  - { name: cheap, target: fake/gpt-4o-mini }
                  - { name: big, target: fake/o3 }
                keys:
                  - { name: tester, key: %s }
                """.formatted(url, upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
        store.close();
        logs.close();
    }

    @AfterEach
    void noSecretsLogged() {
        assertThat(logs.lines()).as("the capture sees the gateway's log").isPositive();
        logs.assertContainsNone(secrets);
    }

    static CreatedKey create(NewKey spec) {
        CreatedKey k = store.keys().createKey("admin", spec);
        secrets.add(k.secret());
        return k;
    }

    static HttpResponse<String> call(String key, String model) {
        HttpResponse<String> res = chat(gateway, key, model);
        GovHttp.assertNoSecretIn(res, secrets);
        return res;
    }

    @Test
    void aNewKeyAuthenticatesWithinARefreshAndIsStoredAsHashAndPrefixOnly() throws Exception {
        CreatedKey k = create(new NewKey("svc-a", null, null, AccessPolicy.OPEN));

        HttpResponse<String> ok = awaitStatus(200, PICKUP, () -> call(k.secret(), "smart"));
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(5)).stream()
                .filter(ev -> ev.requestId().equals(ok.headers().firstValue("x-request-id").orElseThrow()))
                .findFirst().orElseThrow();
        assertThat(e.keyName()).isEqualTo("svc-a");

        KeyRecord listed = store.keys().list().stream().filter(r -> r.id().equals(k.record().id())).findFirst().orElseThrow();
        assertThat(listed.prefix()).isEqualTo(k.secret().substring(0, 12));
        assertThat(listed.secretSha256()).isEqualTo(KeySecrets.sha256Hex(k.secret()));
        assertThat(listed.toString()).doesNotContain(k.secret());

        String raw = rawRows("client_keys");
        assertThat(raw).contains(KeySecrets.sha256Hex(k.secret()));
        assertThat(raw.contains(k.secret())).as("the raw table holds the secret").isFalse();
    }

    @Test
    void aRevokedKeyIsRefusedAfterTheRefreshWhileConfigKeysKeepWorking() {
        CreatedKey k = create(new NewKey("svc-revoked", null, null, AccessPolicy.OPEN));
        awaitStatus(200, PICKUP, () -> call(k.secret(), "smart"));

        store.keys().revoke("admin", k.record().id());

        HttpResponse<String> refused = awaitStatus(401, PICKUP, () -> call(k.secret(), "smart"));
        assertError(refused, 401, "authentication_error", "invalid_api_key");
        assertThat(call(GatewayFixture.KEY, "smart").statusCode()).isEqualTo(200);
    }

    @Test
    void aKeyPastItsExpiryIsRefusedAsExpired() throws Exception {
        Instant expiry = Instant.now().plusSeconds(5);
        CreatedKey k = create(new NewKey("svc-expiring", null, expiry, AccessPolicy.OPEN));
        HttpResponse<String> before = awaitStatus(200, PICKUP, () -> call(k.secret(), "smart"));
        assertThat(before.statusCode()).isEqualTo(200);

        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiry).toMillis() + 50));
        HttpResponse<String> after = call(k.secret(), "smart");

        assertError(after, 401, "authentication_error", "invalid_api_key");
        assertThat(after.body()).containsIgnoringCase("expired");
    }

    @Test
    void anAlreadyExpiredKeyNeverAuthenticates() {
        CreatedKey k = create(new NewKey("svc-dead", null, Instant.now().minusSeconds(60), AccessPolicy.OPEN));
        CreatedKey marker = create(new NewKey("svc-marker", null, null, AccessPolicy.OPEN));
        awaitStatus(200, PICKUP, () -> call(marker.secret(), "smart")); // the directory has reloaded past k

        assertError(call(k.secret(), "smart"), 401, "authentication_error", "invalid_api_key");
    }

    @Test
    void theKeysAndItsTeamsModelListsBothApply() {
        TeamRecord team = store.teams().create("admin", "research", AccessPolicy.OPEN.withAllowedModels(List.of("cheap", "big")));
        CreatedKey k = create(new NewKey("svc-team", team.id(), null, AccessPolicy.OPEN.withAllowedModels(List.of("smart", "cheap"))));

        awaitStatus(200, PICKUP, () -> call(k.secret(), "cheap"));
        assertError(call(k.secret(), "smart"), 403, "permission_error", "model_not_allowed"); // team forbids
        assertError(call(k.secret(), "big"), 403, "permission_error", "model_not_allowed"); // key forbids
        assertThat(call(GatewayFixture.KEY, "big").statusCode()).as("config key unaffected").isEqualTo(200);

        List<UsageEvent> events = new ArrayList<>(gateway.usage().events());
        assertThat(events).anySatisfy(ev -> {
            assertThat(ev.keyName()).isEqualTo("svc-team");
            assertThat(ev.team()).isEqualTo("research");
            assertThat(ev.status()).isEqualTo(200);
        });
    }

    @Test
    void ipRulesInAStoreKeysOrTeamsMetadataApply() {
        CreatedKey office = create(new NewKey("svc-office", null, null,
                AccessPolicy.OPEN.withMetadata(java.util.Map.of("ip_allow", "10.0.0.0/8, 192.168.0.0/16"))));
        TeamRecord team = store.teams().create("admin", "no-loopback",
                AccessPolicy.OPEN.withMetadata(java.util.Map.of("ip_deny", "127.0.0.0/8")));
        CreatedKey member = create(new NewKey("svc-member", team.id(), null, AccessPolicy.OPEN));
        CreatedKey marker = create(new NewKey("svc-marker-ip", null, null, AccessPolicy.OPEN));
        awaitStatus(200, PICKUP, () -> call(marker.secret(), "smart"));

        assertError(call(office.secret(), "smart"), 403, "permission_error", "ip_not_allowed");
        assertError(call(member.secret(), "smart"), 403, "permission_error", "ip_not_allowed");
    }

    static String rawRows(String table) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= cols; i++) {
                    sb.append(rs.getString(i)).append('|');
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
