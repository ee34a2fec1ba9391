package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.store.repository.CredentialRepository;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.GovHttp;
import dev.switchboard.testing.LogCapture;
import dev.switchboard.testing.RecordedRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider configured with {@code api_key: store} uses the credential put through the store API, decrypted with
 * the master key from {@code store.master_key_file}; the table holds only ciphertext; after rotating the master key
 * a gateway started with the new key file still calls the upstream with the same credential.
 */
class StoreCredentialsIT {
    static final String UPSTREAM_SECRET = "sk-stored-upstream-credential-789";
    static final String ROTATED_SECRET = "sk-second-upstream-credential-012";

    @TempDir
    Path dir;
    FakeUpstream upstream;
    Store store;
    String url;
    LogCapture logs;
    final List<String> secrets = new CopyOnWriteArrayList<>(List.of(UPSTREAM_SECRET, ROTATED_SECRET, GatewayFixture.KEY));

    @BeforeEach
    void start() {
        logs = LogCapture.start();
        upstream = FakeUpstream.start();
        url = "sqlite:" + dir.resolve("store.db");
        store = Store.open(new StoreSettings(url, null, null, 1));
    }

    @AfterEach
    void stop() {
        upstream.close();
        store.close();
        logs.close();
        logs.assertContainsNone(secrets);
    }

    Path masterKeyFile(String name, String base64) throws Exception {
        secrets.add(base64);
        secrets.add(HexFormat.of().formatHex(Base64.getDecoder().decode(base64)));
        Path file = dir.resolve(name);
        Files.writeString(file, base64);
        return file;
    }

    GatewayFixture gateway(Path masterKeyFile) {
        return GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                store: { url: "%s", key_refresh: 100ms, master_key_file: "%s" }
                providers:
                  - { name: vault, type: openai, base_url: %s, api_key: store }
                keys:
                  - { name: tester, key: %s }
                """.formatted(url, masterKeyFile, upstream.baseUrl(), GatewayFixture.KEY));
    }

    /** Calls until the upstream sees this bearer (the gateway reloads credentials on the next refresh). */
    void awaitUpstreamBearer(GatewayFixture gw, String secret) {
        GovHttp.await("upstream called with the stored credential", Duration.ofSeconds(10), () -> {
            HttpResponse<String> res = GovHttp.chat(gw, GatewayFixture.KEY, "vault/gpt-4o");
            GovHttp.assertNoSecretIn(res, secrets);
            List<RecordedRequest> seen = upstream.requests();
            return res.statusCode() == 200 && !seen.isEmpty()
                    && ("Bearer " + secret).equals(seen.get(seen.size() - 1).header("authorization"));
        });
    }

    @Test
    void theUpstreamGetsTheDecryptedCredentialAndTheTableOnlyCiphertext() throws Exception {
        String b64 = MasterKey.generateBase64();
        Path keyFile = masterKeyFile("master.key", b64);
        try (GatewayFixture gw = gateway(keyFile)) {
            store.credentials(MasterKey.fromBase64(b64)).put("admin", "vault", "main", UPSTREAM_SECRET);

            awaitUpstreamBearer(gw, UPSTREAM_SECRET);
        }
        String raw = rawCredentials();
        assertThat(raw).isNotEmpty();
        assertThat(raw.contains(UPSTREAM_SECRET)).as("plaintext in the credentials table").isFalse();
        assertThat(raw.contains(b64)).as("master key in the credentials table").isFalse();
    }

    @Test
    void afterRotationAGatewayStartedWithTheNewKeyFileStillWorks() throws Exception {
        String oldB64 = MasterKey.generateBase64();
        String newB64 = MasterKey.generateBase64();
        Path oldFile = masterKeyFile("old.key", oldB64);
        Path newFile = masterKeyFile("new.key", newB64);
        MasterKey oldKey = MasterKey.fromBase64(oldB64);
        MasterKey newKey = MasterKey.fromBase64(newB64);
        store.credentials(oldKey).put("admin", "vault", "main", UPSTREAM_SECRET);
        String before = rawCredentials();

        try (GatewayFixture gw = gateway(oldFile)) {
            awaitUpstreamBearer(gw, UPSTREAM_SECRET);

            CredentialRepository creds = store.credentials(oldKey);
            assertThat(creds.rotate("admin", oldKey, newKey)).isEqualTo(1);
            // the running gateway cannot read the rotated rows but keeps serving with what it had
            Thread.sleep(500);
            awaitUpstreamBearer(gw, UPSTREAM_SECRET);
        }
        assertThat(rawCredentials()).isNotEqualTo(before);

        try (GatewayFixture gw = gateway(newFile)) {
            awaitUpstreamBearer(gw, UPSTREAM_SECRET);
            // a credential added under the new key afterwards for another provider does not disturb this one
            store.credentials(newKey).put("admin", "other", "x", ROTATED_SECRET);
            awaitUpstreamBearer(gw, UPSTREAM_SECRET);
        }
    }

    String rawCredentials() throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM upstream_credentials")) {
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= cols; i++) {
                    byte[] bytes = rs.getBytes(i);
                    sb.append(bytes == null ? "null" : new String(bytes, StandardCharsets.ISO_8859_1)).append('|');
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
