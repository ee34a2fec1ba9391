package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The subscription-approval flow through one gateway: an admin creates a key limited to one model, the key asks
 * for another over the data plane, the admin approves, and the key may call it; a rejection changes nothing.
 * Every step goes over real HTTP: the admin API on its own port, the client API on the gateway's.
 */
class AccessApprovalIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_KEY = "sk-admin-approval-test-1-0123456789abcdef";

    @TempDir
    Path dir;
    FakeUpstream upstream;
    GatewayFixture gateway;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-upstream-secret-456 }
                store: { url: "sqlite:%s", key_refresh: 100ms }
                admin: { listen: "127.0.0.1:0", keys: [ { name: ops, key: %s } ] }
                keys:
                  - { name: tester, key: %s }
                """.formatted(upstream.baseUrl(), dir.resolve("store.db"), ADMIN_KEY, GatewayFixture.KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    private HttpResponse<String> admin(String method, String path, String body) {
        return gateway.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().adminPort() + path))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private HttpResponse<String> client(String key, String path, String body) {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private HttpResponse<String> awaitStatus(String key, String model, int status) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        HttpResponse<String> r;
        do {
            r = client(key, "/v1/chat/completions", chat(model));
            if (r.statusCode() == status) {
                return r;
            }
            Thread.sleep(50);
        } while (System.currentTimeMillis() < deadline);
        return r;
    }

    @Test
    void aKeyAsksForAModelAndMayUseItOnceApproved() throws Exception {
        HttpResponse<String> created = admin("POST", "/admin/keys", "{\"name\":\"alice\",\"allowed_models\":[\"fake/gpt-4o-mini\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String secret = JSON.readTree(created.body()).get("key").asText();
        assertThat(awaitStatus(secret, "fake/gpt-4o-mini", 200).statusCode()).isEqualTo(200);
        assertThat(client(secret, "/v1/chat/completions", chat("fake/gpt-4o")).statusCode()).isEqualTo(403);

        HttpResponse<String> asked = client(secret, "/v1/access-requests", "{\"model\":\"fake/gpt-4o\",\"reason\":\"evals\"}");
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
        JsonNode request = JSON.readTree(asked.body());
        assertThat(request.get("status").asText()).isEqualTo("pending");

        JsonNode pending = JSON.readTree(admin("GET", "/admin/approvals?status=pending", null).body()).get("data");
        assertThat(pending).hasSize(1);
        assertThat(pending.get(0).get("model").asText()).isEqualTo("fake/gpt-4o");
        assertThat(admin("POST", "/admin/approvals/" + request.get("id").asText() + "/approve", "{}").statusCode()).isEqualTo(200);

        assertThat(awaitStatus(secret, "fake/gpt-4o", 200).statusCode()).isEqualTo(200);
        String audit = admin("GET", "/admin/audit", null).body();
        assertThat(audit).contains("approval.request").contains("approval.approve").doesNotContain(secret);
    }

    @Test
    void aRejectedRequestLeavesTheKeyAsItWas() throws Exception {
        String secret = JSON.readTree(admin("POST", "/admin/keys", "{\"name\":\"bob\",\"allowed_models\":[\"fake/a\"]}").body())
                .get("key").asText();
        awaitStatus(secret, "fake/a", 200);
        String id = JSON.readTree(client(secret, "/v1/access-requests", "{\"model\":\"fake/b\"}").body()).get("id").asText();
        assertThat(admin("POST", "/admin/approvals/" + id + "/reject", "{\"note\":\"no\"}").statusCode()).isEqualTo(200);
        Thread.sleep(300);
        assertThat(client(secret, "/v1/chat/completions", chat("fake/b")).statusCode()).isEqualTo(403);
    }

    @Test
    void configKeysAndBadBodiesGetClearErrors() {
        HttpResponse<String> r = client(GatewayFixture.KEY, "/v1/access-requests", "{\"model\":\"fake/b\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Only keys from the store");
        assertThat(client("sk-nope-nope-nope", "/v1/access-requests", "{\"model\":\"x\"}").statusCode()).isEqualTo(401);
    }
}
