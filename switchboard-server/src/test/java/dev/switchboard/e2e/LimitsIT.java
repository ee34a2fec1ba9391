package dev.switchboard.e2e;

import static dev.switchboard.testing.LimitTesting.chat;
import static dev.switchboard.testing.LimitTesting.header;
import static dev.switchboard.testing.LimitTesting.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.ErrorBodies;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatedAnswers;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LimitTesting;
import dev.switchboard.tokens.TokenEstimator;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each rate limit end to end through a real gateway (local counters): per key, per model, the key default and
 * their x-ratelimit-* headers. Every test uses its own keys and models so their counters never meet.
 */
class LimitsIT {
    static final String RPM_KEY = "sk-limits-rpm-0001";
    static final String TPM_KEY = "sk-limits-tpm-0002";
    static final String PLAIN_KEY = "sk-limits-plain-0003";
    static final String OWN_KEY = "sk-limits-own-0004";
    static final String M1_KEY = "sk-limits-m1-0005";
    static final String M2_KEY = "sk-limits-m2-0006";

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-up-limits, models: [gpt-4o, gpt-4o-mini] }
                models:
                  - { name: capped-model, target: fake/gpt-4o-mini }
                limits:
                  key_default: { requests_per_minute: 2 }
                  models: { capped-model: { requests_per_minute: 3 } }
                keys:
                  - { name: rpm, key: %s, limits: { requests_per_minute: 3 } }
                  - { name: tpm, key: %s, limits: { tokens_per_minute: 1000 } }
                  - { name: plain, key: %s }
                  - { name: own, key: %s, limits: { requests_per_minute: 5 } }
                  - { name: m1, key: %s, limits: { requests_per_minute: 100 } }
                  - { name: m2, key: %s, limits: { requests_per_minute: 100 } }
                """.formatted(upstream.baseUrl(), RPM_KEY, TPM_KEY, PLAIN_KEY, OWN_KEY, M1_KEY, M2_KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void oneWindow() throws InterruptedException {
        upstream.reset();
        LimitTesting.awayFromMinuteEdge(Duration.ofSeconds(10));
    }

    @Test
    void requestsPerMinuteCountsDownInHeadersThenRefusesWithRetryAfter() {
        String body = chat("fake/gpt-4o", null, false);
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> ok = send(gateway.baseUrl(), RPM_KEY, body);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(header(ok, "x-ratelimit-limit-requests")).isEqualTo(3);
            assertThat(header(ok, "x-ratelimit-remaining-requests")).isEqualTo(3 - i);
            assertThat(ok.headers().firstValue("x-ratelimit-reset-requests")).isPresent();
        }

        HttpResponse<String> refused = send(gateway.baseUrl(), RPM_KEY, body);
        JsonNode error = ErrorBodies.assertError(refused, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(error.path("message").asText()).contains("requests per minute");
        assertThat(header(refused, "retry-after")).isBetween(1L, 65L); // the minute slides in 5 s buckets
        assertThat(header(refused, "x-ratelimit-remaining-requests")).isZero();
        assertThat(upstream.requests()).as("a refused request never reaches the upstream").hasSize(3);
    }

    @Test
    void tokensPerMinuteReservesInputPlusExpectedOutputAndReconcilesToRealUsage() {
        // max_tokens 10 is below any learned output estimate (at least 16): the expected output is exactly 10
        String body = chat("fake/gpt-4o", 10, false);
        long input = new TokenEstimator().estimate("gpt-4o", body.getBytes(StandardCharsets.UTF_8)).inputTokens();
        assertThat(input).isPositive();

        HttpResponse<String> first = send(gateway.baseUrl(), TPM_KEY, body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(header(first, "x-ratelimit-limit-tokens")).isEqualTo(1000);
        assertThat(header(first, "x-ratelimit-remaining-tokens")).isEqualTo(1000 - (input + 10));

        // the first request's reservation was replaced by its real usage (11 prompt + 7 completion)
        HttpResponse<String> second = send(gateway.baseUrl(), TPM_KEY, body);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(header(second, "x-ratelimit-remaining-tokens")).isEqualTo(1000 - 18 - (input + 10));

        // a large max_tokens alone no longer refuses: admission reserves the expected output, not the cap
        HttpResponse<String> bigCap = send(gateway.baseUrl(), TPM_KEY, chat("fake/gpt-4o", 2000, false));
        assertThat(bigCap.statusCode()).as(bigCap.body()).isEqualTo(200);

        // while one request holds a large input, a second one whose input no longer fits is refused, retryably
        String large = "{\"model\":\"fake/gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\""
                + "word ".repeat(700) + "\"}]}";
        GatedAnswers gate = new GatedAnswers();
        upstream.enqueue(gate.behavior());
        CompletableFuture<HttpResponse<String>> held = LimitTesting.http().sendAsync(
                LimitTesting.chatRequest(gateway.baseUrl(), TPM_KEY, large), HttpResponse.BodyHandlers.ofString());
        awaitHeld(gate, 1);
        HttpResponse<String> refused = send(gateway.baseUrl(), TPM_KEY, large);
        JsonNode error = ErrorBodies.assertError(refused, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(error.path("message").asText()).contains("tokens per minute");
        assertThat(header(refused, "retry-after")).isBetween(1L, 65L);
        gate.release();
        assertThat(held.join().statusCode()).isEqualTo(200);

        // a request whose input alone is larger than the whole limit can never pass: a 400 without retry-after
        String tooLarge = large.replace("word ".repeat(700), "word ".repeat(1500));
        HttpResponse<String> tooBig = send(gateway.baseUrl(), TPM_KEY, tooLarge);
        JsonNode big = ErrorBodies.assertError(tooBig, 400, "invalid_request_error", "request_exceeds_limit");
        assertThat(big.path("message").asText()).contains("limit of 1000 tokens per minute").contains("never");
        assertThat(tooBig.headers().firstValue("retry-after")).isEmpty();
    }

    @Test
    void perModelLimitIsSharedByAllKeys() {
        String body = chat("capped-model", null, false);
        assertThat(send(gateway.baseUrl(), M1_KEY, body).statusCode()).isEqualTo(200);
        assertThat(send(gateway.baseUrl(), M2_KEY, body).statusCode()).isEqualTo(200);
        HttpResponse<String> third = send(gateway.baseUrl(), M1_KEY, body);
        assertThat(third.statusCode()).isEqualTo(200);
        // the headers describe the caller's own key, not the model-wide window shared with other callers
        assertThat(header(third, "x-ratelimit-limit-requests")).isEqualTo(100);
        assertThat(header(third, "x-ratelimit-remaining-requests")).isEqualTo(98);

        HttpResponse<String> refused = send(gateway.baseUrl(), M2_KEY, body);
        JsonNode error = ErrorBodies.assertError(refused, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(error.path("message").asText()).contains("this model's").doesNotContain("model:");
        // the limit is the target's: another spelling of it is refused too
        ErrorBodies.assertError(send(gateway.baseUrl(), M2_KEY, chat("fake/gpt-4o-mini", null, false)), 429,
                "rate_limit_error", "rate_limit_exceeded");
        // the same keys are free on another model
        assertThat(send(gateway.baseUrl(), M2_KEY, chat("fake/gpt-4o", null, false)).statusCode()).isEqualTo(200);
    }

    @Test
    void keyDefaultAppliesOnlyToKeysWithoutTheirOwnLimits() {
        String body = chat("fake/gpt-4o", null, false);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> ok = send(gateway.baseUrl(), PLAIN_KEY, body);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(header(ok, "x-ratelimit-limit-requests")).isEqualTo(2);
        }
        ErrorBodies.assertError(send(gateway.baseUrl(), PLAIN_KEY, body), 429, "rate_limit_error", "rate_limit_exceeded");

        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> ok = send(gateway.baseUrl(), OWN_KEY, body);
            assertThat(ok.statusCode()).as("own limit 5, request %d", i).isEqualTo(200);
            assertThat(header(ok, "x-ratelimit-limit-requests")).isEqualTo(5);
        }
        ErrorBodies.assertError(send(gateway.baseUrl(), OWN_KEY, body), 429, "rate_limit_error", "rate_limit_exceeded");
    }

    static void awaitHeld(GatedAnswers gate, int count) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (gate.held() < count) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the upstream holds " + gate.held() + " requests, expected " + count);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
