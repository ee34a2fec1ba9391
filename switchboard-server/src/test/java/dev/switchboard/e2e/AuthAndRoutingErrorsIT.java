package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who may call what: missing and wrong keys, both key styles, per-key model lists, unknown models, paths and methods. */
class AuthAndRoutingErrorsIT {
    static final String LIMITED_KEY = "sk-limited-key-789";
    static final String FAKE_ONLY_KEY = "sk-fake-only-key-012";
    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: ${UPSTREAM}, api_key: %s, models: [gpt-4o] }
                  - { name: other, type: openai, base_url: ${UPSTREAM}, api_key: %s, models: [gpt-4o] }
                models:
                  - { name: smart, target: fake/gpt-4o }
                keys:
                  - { name: tester, key: %s }
                  - { name: limited, key: %s, models: [smart] }
                  - { name: fake-only, key: %s, models: ["fake/*"] }
                """.formatted(GatewayFixture.UPSTREAM_KEY, GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY, LIMITED_KEY, FAKE_ONLY_KEY)
                .replace("${UPSTREAM}", upstream.baseUrl()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
    }

    private HttpResponse<String> chat(String model, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT.formatted(model)));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return gateway.send(b.build());
    }

    @Test
    void noKeyIs401AndNothingReachesTheUpstream() {
        JsonNode error = assertError(chat("smart"), 401, "authentication_error", "invalid_api_key");
        assertThat(error.get("message").asText()).contains("Authorization: Bearer").contains("x-api-key");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void emptyBearerIs401() {
        assertError(chat("smart", "Authorization", "Bearer "), 401, "authentication_error", "invalid_api_key");
    }

    @Test
    void wrongKeyIs401AndTheWrongKeyIsNotEchoed() {
        HttpResponse<String> r = chat("smart", "Authorization", "Bearer sk-wrong-key-000");
        assertError(r, 401, "authentication_error", "invalid_api_key");
        assertThat(r.body()).doesNotContain("sk-wrong-key-000");
        assertError(chat("smart", "x-api-key", "sk-wrong-key-000"), 401, "authentication_error", "invalid_api_key");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void nonBearerAuthorizationSchemeIsNotAccepted() {
        assertError(chat("smart", "Authorization", "Basic " + GatewayFixture.KEY), 401, "authentication_error", "invalid_api_key");
    }

    @Test
    void bearerAndXApiKeyStylesBothWork() {
        HttpResponse<String> bearer = chat("smart", "Authorization", "Bearer " + GatewayFixture.KEY);
        assertThat(bearer.statusCode()).as(bearer.body()).isEqualTo(200);
        HttpResponse<String> lowerScheme = chat("smart", "Authorization", "bearer " + GatewayFixture.KEY);
        assertThat(lowerScheme.statusCode()).as(lowerScheme.body()).isEqualTo(200);
        HttpResponse<String> apiKey = chat("smart", "x-api-key", GatewayFixture.KEY);
        assertThat(apiKey.statusCode()).as(apiKey.body()).isEqualTo(200);
        assertThat(upstream.requests()).hasSize(3)
                .allSatisfy(r -> assertThat(r.header("authorization")).isEqualTo("Bearer " + GatewayFixture.UPSTREAM_KEY))
                .allSatisfy(r -> assertThat(r.header("x-api-key")).isNull());
    }

    @Test
    void keyWithModelListGets403ForOtherModels() {
        assertThat(chat("smart", "x-api-key", LIMITED_KEY).statusCode()).isEqualTo(200);
        JsonNode error = assertError(chat("fake/gpt-4o", "x-api-key", LIMITED_KEY), 403, "permission_error", "model_not_allowed");
        assertThat(error.get("param").asText()).isEqualTo("model");
        assertThat(error.get("message").asText()).contains("fake/gpt-4o").doesNotContain(LIMITED_KEY);
        assertThat(upstream.requests()).hasSize(1);
    }

    @Test
    void providerPatternAllowsThatProviderOnly() {
        assertThat(chat("fake/gpt-4o", "x-api-key", FAKE_ONLY_KEY).statusCode()).isEqualTo(200);
        assertThat(chat("fake/gpt-4o-mini", "x-api-key", FAKE_ONLY_KEY).statusCode()).isEqualTo(200);
        HttpResponse<String> r = chat("other/gpt-4o", "x-api-key", FAKE_ONLY_KEY);
        assertError(r, 403, "permission_error", "model_not_allowed");
        assertThat(r.body()).doesNotContain(FAKE_ONLY_KEY);
        assertThat(upstream.requests()).hasSize(2);
    }

    @Test
    void unknownModelIs404ModelNotFound() {
        JsonNode error = assertError(chat("no-such-model", "x-api-key", GatewayFixture.KEY), 404, "invalid_request_error", "model_not_found");
        assertThat(error.get("param").asText()).isEqualTo("model");
        assertThat(error.get("message").asText()).contains("no-such-model");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void misspeltAliasGetsASuggestion() {
        JsonNode error = assertError(chat("smrt", "x-api-key", GatewayFixture.KEY), 404, "invalid_request_error", "model_not_found");
        assertThat(error.get("message").asText()).contains("did you mean 'smart'");
    }

    @Test
    void unknownProviderPrefixIs404WithSuggestion() {
        JsonNode error = assertError(chat("fak/gpt-4o", "x-api-key", GatewayFixture.KEY), 404, "invalid_request_error", "model_not_found");
        assertThat(error.get("message").asText()).contains("unknown provider 'fak'").contains("did you mean 'fake'");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void unknownPathIs404() {
        HttpResponse<String> r = gateway.post("/v1/chat/complete", CHAT.formatted("smart"));
        JsonNode error = assertError(r, 404, "invalid_request_error", "not_found");
        assertThat(error.get("message").asText()).contains("/v1/chat/complete");
        assertError(gateway.get("/nope"), 404, "invalid_request_error", "not_found");
    }

    @Test
    void wrongMethodIs405WithAllowHeader() {
        HttpResponse<String> get = gateway.get("/v1/chat/completions");
        assertError(get, 405, "invalid_request_error", "method_not_allowed");
        assertThat(get.headers().firstValue("allow")).hasValue("POST");
        HttpResponse<String> post = gateway.post("/v1/models", "{}");
        assertError(post, 405, "invalid_request_error", "method_not_allowed");
        assertThat(post.headers().firstValue("allow")).hasValue("GET");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void modelsListNeedsAKeyToo() {
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/models")).GET().build());
        assertError(r, 401, "authentication_error", "invalid_api_key");
    }
}
