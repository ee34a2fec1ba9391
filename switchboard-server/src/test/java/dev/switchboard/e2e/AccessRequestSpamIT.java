package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.json.Json;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.GovHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/access-requests} cannot be used to flood the store or make replicas reload: the reason is capped,
 * a repeated ask returns the pending request, each key gets a handful per hour (then 429 with retry-after), and no
 * access request moves the store revision that replicas poll.
 */
class AccessRequestSpamIT {
    static final String ADMIN_KEY = "sk-admin-spam-test-0123456789abcdef";

    @TempDir
    Path dir;
    FakeUpstream upstream;
    GatewayFixture gateway;
    Store store;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        String url = "sqlite:" + dir.resolve("store.db");
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-upstream-secret-456 }
                store: { url: "%s", key_refresh: 100ms }
                admin: { listen: "127.0.0.1:0", keys: [ { name: ops, key: %s } ] }
                keys:
                  - { name: tester, key: %s }
                """.formatted(upstream.baseUrl(), url, ADMIN_KEY, GatewayFixture.KEY));
        store = Store.open(new StoreSettings(url, null, null, 1));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
        store.close();
    }

    String createKey(String name) throws Exception {
        HttpResponse<String> created = gateway.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.gateway().adminPort() + "/admin/keys"))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"allowed_models\":[\"fake/a\"]}")).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String secret = Json.MAPPER.readTree(created.body()).get("key").asText();
        GovHttp.awaitStatus(200, Duration.ofSeconds(10), () -> GovHttp.chat(gateway, secret, "fake/a"));
        return secret;
    }

    HttpResponse<String> ask(String key, String body) {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/access-requests"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static String askFor(String model, String reason) {
        return Json.MAPPER.createObjectNode().put("model", model).put("reason", reason).toString();
    }

    @Test
    void reasonsAreCappedRepeatsDedupedKeysThrottledAndTheRevisionStaysPut() throws Exception {
        String key = createKey("spammer");
        long revision = store.revision();

        HttpResponse<String> huge = ask(key, askFor("fake/b", "x".repeat(60_000)));
        assertThat(huge.statusCode()).as(huge.body()).isEqualTo(400);
        assertThat(huge.body()).contains("invalid_request_error");
        HttpResponse<String> long1 = ask(key, askFor("fake/b", "é".repeat(2049)));
        assertThat(long1.statusCode()).as(long1.body()).isEqualTo(400);
        assertThat(long1.body()).contains("invalid_request_error").contains("\"param\":\"reason\"");
        assertThat(ask(key, askFor("m".repeat(300), "x")).statusCode()).isEqualTo(400);

        HttpResponse<String> first = ask(key, askFor("fake/b", "é".repeat(2048)));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        HttpResponse<String> again = ask(key, askFor("fake/b", "please"));
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(Json.MAPPER.readTree(again.body()).get("id").asText())
                .isEqualTo(Json.MAPPER.readTree(first.body()).get("id").asText());
        assertThat(store.approvals().listPending()).hasSize(1);

        for (String model : new String[] {"fake/c", "fake/d", "fake/e"}) {
            assertThat(ask(key, askFor(model, "x")).statusCode()).isEqualTo(202);
        }
        HttpResponse<String> throttled = ask(key, askFor("fake/f", "x"));
        dev.switchboard.testing.ErrorBodies.assertError(throttled, 429, "rate_limit_error", "rate_limit_exceeded");
        long retryAfter = Long.parseLong(throttled.headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 3600L);
        assertThat(store.approvals().listPending()).hasSize(4);

        // another key has its own allowance
        String other = createKey("other");
        long afterSecondKey = store.revision();
        assertThat(ask(other, askFor("fake/b", "x")).statusCode()).isEqualTo(202);

        assertThat(store.revision()).as("access requests do not move the store revision")
                .isEqualTo(afterSecondKey).isEqualTo(revision + 1);
        assertThat(store.audit().list(java.time.Instant.EPOCH, 100)).extracting(dev.switchboard.store.repository.AuditEntry::action)
                .contains("approval.request");
    }
}
