package dev.switchboard.e2e;

import static dev.switchboard.testing.LimitTesting.chat;
import static dev.switchboard.testing.LimitTesting.header;
import static dev.switchboard.testing.LimitTesting.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.store.repository.Limits;
import dev.switchboard.testing.ErrorBodies;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LimitTesting;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits that span keys or models: a team's limit (the team lives in a real SQLite store; config keys naming it
 * share it) and the key x model limit.
 */
class TeamAndKeyModelLimitsIT {
    static final String RED_A = "sk-team-red-a-0001";
    static final String RED_B = "sk-team-red-b-0002";
    static final String BLUE = "sk-team-blue-0003";
    static final String KM = "sk-keymodel-0004";
    static final String KM_OTHER = "sk-keymodel-0005";

    static FakeUpstream upstream;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @BeforeEach
    void oneWindow() throws InterruptedException {
        LimitTesting.awayFromMinuteEdge(Duration.ofSeconds(15));
    }

    @Test
    void configKeysOfAStoreTeamShareTheTeamsLimit() {
        String url = "sqlite:" + dir.resolve("teams.db");
        try (Store store = Store.open(new StoreSettings(url, null, null, 1))) {
            store.teams().create("test", "red", AccessPolicy.OPEN.withLimits(new Limits(3L, null, null)));
        }
        try (GatewayFixture gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                store: { url: "%s", key_refresh: 100ms }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-up-team, models: [gpt-4o] }
                keys:
                  - { name: red-a, key: %s, team: red }
                  - { name: red-b, key: %s, team: red }
                  - { name: blue, key: %s, team: blue }
                """.formatted(url, upstream.baseUrl(), RED_A, RED_B, BLUE))) {
            String body = chat("fake/gpt-4o", null, false);
            // until the store is read the team has no limit; once it is, the team's 3 a minute run out
            awaitTeamRefusal(gateway, body);
            HttpResponse<String> refused = send(gateway.baseUrl(), RED_B, body);
            JsonNode error = ErrorBodies.assertError(refused, 429, "rate_limit_error", "rate_limit_exceeded");
            assertThat(error.path("message").asText()).contains("your team's").doesNotContain("team:red");
            // the team's window is shared with other callers: the headers do not show it
            assertThat(refused.headers().firstValue("x-ratelimit-limit-requests")).isEmpty();
            // a team the store does not know has no limit
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> blue = send(gateway.baseUrl(), BLUE, body);
                assertThat(blue.statusCode()).isEqualTo(200);
                assertThat(blue.headers().firstValue("x-ratelimit-limit-requests")).isEmpty();
            }
        }
    }

    private static void awaitTeamRefusal(GatewayFixture gateway, String body) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            HttpResponse<String> res = send(gateway.baseUrl(), RED_A, body);
            if (res.statusCode() == 429) {
                return;
            }
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            if (System.nanoTime() > end) {
                throw new AssertionError("the gateway never applied the store team's limit");
            }
        }
    }

    @Test
    void keyAndModelLimitCountsEachPairApart() {
        try (GatewayFixture gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-up-km, models: [gpt-4o, gpt-4o-mini] }
                models:
                  - { name: alpha, target: fake/gpt-4o }
                  - { name: beta, target: fake/gpt-4o-mini }
                limits:
                  key_model: { requests_per_minute: 2 }
                keys:
                  - { name: km, key: %s }
                  - { name: km-other, key: %s }
                """.formatted(upstream.baseUrl(), KM, KM_OTHER))) {
            String alpha = chat("alpha", null, false);
            for (int i = 1; i <= 2; i++) {
                HttpResponse<String> ok = send(gateway.baseUrl(), KM, alpha);
                assertThat(ok.statusCode()).isEqualTo(200);
                assertThat(header(ok, "x-ratelimit-remaining-requests")).isEqualTo(2 - i);
            }
            HttpResponse<String> refused = send(gateway.baseUrl(), KM, alpha);
            JsonNode error = ErrorBodies.assertError(refused, 429, "rate_limit_error", "rate_limit_exceeded");
            assertThat(error.path("message").asText()).contains("your key's per-model").doesNotContain("model:");

            HttpResponse<String> otherModel = send(gateway.baseUrl(), KM, chat("beta", null, false));
            assertThat(otherModel.statusCode()).as("same key, other model").isEqualTo(200);
            assertThat(header(otherModel, "x-ratelimit-remaining-requests")).isEqualTo(1);
            HttpResponse<String> otherKey = send(gateway.baseUrl(), KM_OTHER, alpha);
            assertThat(otherKey.statusCode()).as("other key, same model").isEqualTo(200);
            assertThat(header(otherKey, "x-ratelimit-remaining-requests")).isEqualTo(1);
        }
    }
}
