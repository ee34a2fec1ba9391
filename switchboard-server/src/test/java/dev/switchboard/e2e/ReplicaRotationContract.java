package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.json.Json;
import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.GovHttp;
import dev.switchboard.testing.LogCapture;
import dev.switchboard.testing.RecordedRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway replicas on one store with the same master key. A master-key rotation on A leaves B unable to
 * decrypt the credentials, yet B keeps syncing keys (a revocation and a new key reach it within the refresh), keeps
 * calling the upstream with its last good copy of the credential, and says loudly that its master key is stale.
 * Subclasses choose the database.
 */
abstract class ReplicaRotationContract {
    static final Duration REFRESH = Duration.ofSeconds(10);
    static final String UPSTREAM_SECRET = "sk-replicated-upstream-credential-314";

    @TempDir
    Path dir;
    FakeUpstream upstream;
    LogCapture logs;
    final String adminKey = "sb-admin-" + UUID.randomUUID();
    final List<String> secrets = new CopyOnWriteArrayList<>(List.of(UPSTREAM_SECRET, adminKey));

    /** The {@code store:} flow mapping's inner text (url and, for PostgreSQL, credentials). */
    abstract String storeSettings() throws Exception;

    @BeforeEach
    void start() {
        logs = LogCapture.start();
        upstream = FakeUpstream.start();
    }

    @AfterEach
    void stop() {
        upstream.close();
        logs.close();
        logs.assertContainsNone(secrets);
    }

    Path keyFile(String name, String base64) throws Exception {
        secrets.add(base64);
        Path f = dir.resolve(name);
        Files.writeString(f, base64);
        return f;
    }

    GatewayFixture replica(String store, Path masterKeyFile) {
        return GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                store: { %s, key_refresh: 100ms, master_key_file: "%s", usage_journal: "%s" }
                admin: { listen: 127.0.0.1:0, keys: [ { name: ops, key: %s } ] }
                providers:
                  - { name: vault, type: openai, base_url: %s, api_key: store }
                """.formatted(store, masterKeyFile, dir.resolve("journal-" + UUID.randomUUID()), adminKey,
                upstream.baseUrl()));
    }

    JsonNode admin(GatewayFixture gw, String method, String path, String body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.gateway().adminPort() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + adminKey)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> res = gw.send(b.build());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(expected);
        return Json.MAPPER.readTree(res.body());
    }

    String createKey(GatewayFixture gw, String name) throws Exception {
        String secret = admin(gw, "POST", "/admin/keys", "{\"name\":\"" + name + "\"}", 201).get("key").asText();
        secrets.add(secret);
        return secret;
    }

    HttpResponse<String> call(GatewayFixture gw, String key) {
        HttpResponse<String> res = GovHttp.chat(gw, key, "vault/gpt-4o");
        GovHttp.assertNoSecretIn(res, secrets);
        return res;
    }

    String lastBearer() {
        List<RecordedRequest> seen = upstream.requests();
        return seen.isEmpty() ? null : seen.get(seen.size() - 1).header("authorization");
    }

    @Test
    void aRotationOnOneReplicaDoesNotFreezeKeySyncOnTheOther() throws Exception {
        String store = storeSettings();
        String oldB64 = MasterKey.generateBase64();
        String newB64 = MasterKey.generateBase64();
        Path oldFile = keyFile("old.key", oldB64);
        try (GatewayFixture a = replica(store, oldFile); GatewayFixture b = replica(store, oldFile)) {
            admin(a, "POST", "/admin/credentials", "{\"provider\":\"vault\",\"api_key\":\"" + UPSTREAM_SECRET + "\"}", 201);
            String k1 = createKey(a, "k1");
            GovHttp.awaitStatus(200, REFRESH, () -> call(a, k1));
            GovHttp.awaitStatus(200, REFRESH, () -> call(b, k1));
            assertThat(lastBearer()).isEqualTo("Bearer " + UPSTREAM_SECRET);

            JsonNode rotated = admin(a, "POST", "/admin/credentials/rotate", "{\"new_master_key\":\"" + newB64 + "\"}", 200);
            assertThat(rotated.get("rotated").asInt()).isEqualTo(1);
            String k1Id = admin(a, "GET", "/admin/keys", null, 200).get("data").get(0).get("id").asText();
            admin(a, "POST", "/admin/keys/" + k1Id + "/revoke", null, 200);

            GovHttp.awaitStatus(401, REFRESH, () -> call(a, k1));
            GovHttp.awaitStatus(401, REFRESH, () -> call(b, k1));
            String k2 = createKey(a, "k2");
            GovHttp.awaitStatus(200, REFRESH, () -> call(b, k2));
            // B still holds its last good copy of the credential it can no longer decrypt
            assertThat(lastBearer()).isEqualTo("Bearer " + UPSTREAM_SECRET);
            GovHttp.awaitStatus(200, REFRESH, () -> call(a, k2));
            assertThat(lastBearer()).isEqualTo("Bearer " + UPSTREAM_SECRET);

            // B says loudly that its master key is not the one in force; A does not
            String bReady = b.send(HttpRequest.newBuilder(URI.create(b.baseUrl() + "/readyz")).GET().build()).body();
            assertThat(bReady).contains("master_key_mismatch").contains(MasterKey.fromBase64(newB64).fingerprint());
            String aReady = a.send(HttpRequest.newBuilder(URI.create(a.baseUrl() + "/readyz")).GET().build()).body();
            assertThat(aReady).doesNotContain("master_key_mismatch");
            assertThat(b.gateway().metrics().scrape()).contains("switchboard_store_master_key_mismatch 1")
                    .contains("switchboard_store_credentials_undecryptable 1");
            assertThat(a.gateway().metrics().scrape()).contains("switchboard_store_master_key_mismatch 0");
            assertThat(logs.text()).contains("ERROR").contains("master key");
            assertThat(logs.text()).doesNotContain("store unreachable");
            // B cannot write a credential under the stale key (it would be unreadable everywhere else)
            admin(b, "POST", "/admin/credentials", "{\"provider\":\"other\",\"api_key\":\"sk-x-12345678\"}", 409);

            // restarting a replica with the old key: store keys still authenticate (they do not depend on credentials)
            try (GatewayFixture stale = replica(store, oldFile)) {
                assertThat(call(stale, k2).statusCode()).isIn(200, 502);
                assertThat(call(stale, k1).statusCode()).isEqualTo(401);
            }
        }
    }
}
