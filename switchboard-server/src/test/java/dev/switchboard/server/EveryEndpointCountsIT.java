package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.ErrorBodies;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LimitTesting;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.switchboard.server.lane.FastLane;

/**
 * Every model endpoint draws on the caller's requests per minute, on the fast lane and on Vert.x's lane: chat,
 * Anthropic messages, legacy completions, embeddings, and token counting (free: one request, no tokens, no money).
 * Once the window is full each endpoint answers 429 with retry-after in its own dialect.
 */
class EveryEndpointCountsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "sk-every-endpoint-0001";
    static final String FEW_TOKENS = "sk-every-endpoint-0002";

    record Endpoint(String path, String body, boolean anthropic) {}

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("/v1/chat/completions",
                    "{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false),
            new Endpoint("/v1/messages",
                    "{\"model\":\"fake/gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", true),
            new Endpoint("/v1/completions", "{\"model\":\"fake/gpt-3.5-turbo-instruct\",\"prompt\":\"hi\"}", false),
            new Endpoint("/v1/embeddings", "{\"model\":\"fake/text-embedding-3-small\",\"input\":\"hi\"}", false),
            new Endpoint("/v1/messages/count_tokens",
                    "{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", true));

    static FakeUpstream upstream;
    static GatewayFixture lane;
    static GatewayFixture vertx;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        String yaml = """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-up-every }
                keys:
                  - { name: counted, key: %s, limits: { requests_per_minute: 5 } }
                  - { name: few, key: %s, limits: { requests_per_minute: 100, tokens_per_minute: 5 } }
                """.formatted(upstream.baseUrl(), KEY, FEW_TOKENS);
        lane = GatewayFixture.withYaml(yaml);
        vertx = GatewayFixture.withYaml(yaml.replace("event_loops: 1 }", "event_loops: 1, fast_lane: false }"));
    }

    @AfterAll
    static void stop() {
        vertx.close();
        lane.close();
        upstream.close();
    }

    static HttpResponse<String> call(GatewayFixture g, String key, Endpoint e) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(g.baseUrl() + e.path()))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(e.body()));
        if (e.anthropic()) {
            b.header("x-api-key", key).header("anthropic-version", "2023-06-01");
        } else {
            b.header("authorization", "Bearer " + key);
        }
        return LimitTesting.http().sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).join();
    }

    @Test
    void eachEndpointCountsOnTheFastLane() throws Exception {
        long served = FastLane.served();
        eachEndpointCounts(lane);
        if (!"false".equals(System.getProperty("switchboard.test.fastLane"))) {
            // the four model calls, admitted and refused, took the fast lane (token counting is Vert.x's)
            assertThat(FastLane.served()).isGreaterThanOrEqualTo(served + 4);
        }
    }

    @Test
    void eachEndpointCountsOnTheVertxLane() throws Exception {
        long served = FastLane.served();
        eachEndpointCounts(vertx);
        assertThat(FastLane.served()).as("nothing took the fast lane").isEqualTo(served);
    }

    private static void eachEndpointCounts(GatewayFixture g) throws Exception {
        int before = upstream.requests().size();
        long remaining = 5;
        for (Endpoint e : ENDPOINTS) {
            HttpResponse<String> ok = call(g, KEY, e);
            assertThat(ok.statusCode()).as(e.path() + ": " + ok.body()).isEqualTo(200);
            assertThat(LimitTesting.header(ok, "x-ratelimit-limit-requests")).as(e.path()).isEqualTo(5);
            assertThat(LimitTesting.header(ok, "x-ratelimit-remaining-requests")).as(e.path()).isEqualTo(--remaining);
        }
        assertThat(upstream.requests()).as("token counting never reaches the provider").hasSize(before + 4);
        for (Endpoint e : ENDPOINTS) {
            HttpResponse<String> refused = call(g, KEY, e);
            if (e.anthropic()) {
                assertThat(refused.statusCode()).as(e.path() + ": " + refused.body()).isEqualTo(429);
                JsonNode n = JSON.readTree(refused.body());
                assertThat(n.path("type").asText()).isEqualTo("error");
                assertThat(n.path("error").path("type").asText()).as(e.path()).isEqualTo("rate_limit_error");
                assertThat(n.path("error").path("message").asText()).contains("requests per minute");
            } else {
                ErrorBodies.assertError(refused, 429, "rate_limit_error", "rate_limit_exceeded");
            }
            assertThat(LimitTesting.header(refused, "retry-after")).as(e.path()).isBetween(1L, 65L);
            assertThat(LimitTesting.header(refused, "x-ratelimit-remaining-requests")).as(e.path()).isZero();
        }
        assertThat(upstream.requests()).as("refused calls never reach the provider").hasSize(before + 4);
    }

    @Test
    void countingTokensIsFreeOfTokensOnBothLanes() {
        Endpoint chat = ENDPOINTS.get(0);
        Endpoint count = ENDPOINTS.get(4);
        for (GatewayFixture g : List.of(lane, vertx)) {
            String longer = chat.body().replace("\"hi\"", "\"" + "word ".repeat(20) + "\"");
            HttpResponse<String> tooBig = call(g, FEW_TOKENS, new Endpoint(chat.path(), longer, false));
            ErrorBodies.assertError(tooBig, 400, "invalid_request_error", "request_exceeds_limit");
            // a count of the same input draws only on the requests: it is served
            HttpResponse<String> counted = call(g, FEW_TOKENS, new Endpoint(count.path(), longer, true));
            assertThat(counted.statusCode()).as(counted.body()).isEqualTo(200);
            assertThat(counted.body()).contains("input_tokens");
            assertThat(counted.headers().firstValue("x-ratelimit-remaining-tokens")).isEmpty();
            assertThat(LimitTesting.header(counted, "x-ratelimit-limit-requests")).isEqualTo(100);
        }
    }
}
