package dev.switchboard.e2e;

import static dev.switchboard.testing.LimitTesting.header;
import static dev.switchboard.testing.LimitTesting.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.ErrorBodies;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LimitTesting;
import dev.switchboard.tokens.TokenEstimator;
import dev.switchboard.usage.UsageEvent;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Admission on an estimate, settlement on the truth, as a user sees it: requests without max_tokens are served by
 * small limits and budgets until their real usage reaches them; a request whose input alone can never fit is a 400;
 * hostile max_tokens values change nothing. Each test has its own key and its own model (the output estimate is
 * learned per model). The fake upstream reports 11 prompt (3 cached) and 7 completion (2 reasoning) tokens.
 */
class EstimatedAdmissionIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TPM_KEY = "sk-estimate-tpm-0001";
    static final String BUDGET_KEY = "sk-estimate-budget-0002";
    static final String TINY_KEY = "sk-estimate-tiny-0003";
    static final String PENNY_KEY = "sk-estimate-penny-0004";
    static final String HOSTILE_KEY = "sk-estimate-hostile-0005";
    /** budget-model: 11 × $500/M (3 of them cached at the same price) + 7 × $800/M = $0.0111 a request. */
    static final long REAL_MICRO_USD = 11 * 500 + 7 * 800;
    static final long BUDGET_MICRO_USD = 50_000;

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-up-estimate }
                prices:
                  "budget-model": { input: 500, output: 800, cached_input: 500 }
                  "penny-model": { input: 1000, output: 1000 }
                  "hostile-model": { input: 1, output: 1 }
                keys:
                  - { name: tpm, key: %s, limits: { tokens_per_minute: 200 } }
                  - { name: budget, key: %s, budget: { usd: 0.05, period: day } }
                  - { name: tiny, key: %s, limits: { tokens_per_minute: 50 } }
                  - { name: penny, key: %s, budget: { usd: 0.001, period: day } }
                  - { name: hostile, key: %s, limits: { tokens_per_minute: 5000 }, budget: { usd: 1, period: day } }
                """.formatted(upstream.baseUrl(), TPM_KEY, BUDGET_KEY, TINY_KEY, PENNY_KEY, HOSTILE_KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
        gateway.usage().clear();
    }

    @Test
    void aSmallTokenLimitServesRequestsWithoutMaxTokensUntilTheirRealUsageReachesIt() {
        OpenAIClient client = gateway.openAiClient(TPM_KEY);
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("fake/tpm-model")
                .addUserMessage("hi").build();
        List<Long> remaining = new ArrayList<>();
        RateLimitException refused = null;
        while (refused == null) {
            assertThat(remaining.size()).as("served before the limit was reached").isLessThan(50);
            try {
                HttpResponseFor<ChatCompletion> r = client.chat().completions().withRawResponse().create(params);
                assertThat(r.parse().usage().orElseThrow().totalTokens()).isEqualTo(18);
                assertThat(r.headers().values("x-ratelimit-limit-tokens")).containsExactly("200");
                remaining.add(Long.parseLong(r.headers().values("x-ratelimit-remaining-tokens").get(0)));
            } catch (RateLimitException e) {
                refused = e;
            }
        }
        int served = remaining.size();
        // each request was admitted while its input still fit: the real usage then nearly fills the minute
        assertThat(18L * (served - 1)).as("the last one was admitted below the limit").isLessThan(200);
        assertThat(18L * served).as("refused only once the real usage (nearly) reached the limit").isGreaterThan(200 - 18);
        assertThat(served).isGreaterThanOrEqualTo(10);
        // the first reservation took what was left (no answer of the model seen yet: 256 expected > 200); from then
        // on the estimate is learned and what remains falls by one request's real usage each time, to 0
        assertThat(remaining.get(0)).isZero();
        for (int i = 2; i < served; i++) {
            assertThat(remaining.get(i)).as("remaining tokens %s", remaining).isLessThan(remaining.get(i - 1));
            if (remaining.get(i) > 0) {
                assertThat(remaining.get(i - 1) - remaining.get(i)).as("remaining tokens %s", remaining).isEqualTo(18);
            }
        }
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.getMessage()).contains("tokens per minute");
        // the minute slides in 5 s buckets: room frees within 65 s
        assertThat(Long.parseLong(refused.headers().values("retry-after").get(0))).isBetween(1L, 65L);
        assertThat(upstream.requests()).hasSize(served);
    }

    @Test
    void aSmallBudgetServesRequestsWhoseWorstCaseIsDearerThanItUntilTheRealSpendReachesIt() {
        String body = LimitTesting.chat("fake/budget-model", null, false);
        long input = new TokenEstimator().estimate("budget-model", body.getBytes(StandardCharsets.UTF_8)).inputTokens();
        assertThat(input * 500 + 4096 * 800).as("the old worst case exceeds the budget").isGreaterThan(BUDGET_MICRO_USD);
        int served = 0;
        HttpResponse<String> last;
        while ((last = send(gateway.baseUrl(), BUDGET_KEY, body)).statusCode() == 200) {
            assertThat(last.headers().firstValue("x-switchboard-cost-usd")).hasValue("0.011100");
            served++;
            assertThat(served).isLessThan(50);
        }
        ErrorBodies.assertError(last, 429, "insufficient_quota", "budget_exceeded");
        assertThat(header(last, "retry-after")).isPositive();
        // admitted while the input's price still fit what was left
        int expected = 0;
        while (BUDGET_MICRO_USD - expected * REAL_MICRO_USD >= input * 500) {
            expected++;
        }
        assertThat(served).isEqualTo(expected).isGreaterThanOrEqualTo(4);
        List<UsageEvent> events = gateway.usage().awaitEvents(served + 1, Duration.ofSeconds(5)).stream()
                .filter(e -> e.status() == 200).toList();
        assertThat(events).hasSize(served).allSatisfy(e -> assertThat(e.costKnown()).isTrue());
        long spent = Math.round(events.stream().mapToDouble(UsageEvent::costUsd).sum() * 1e6);
        assertThat(spent).isEqualTo(served * REAL_MICRO_USD);
        // one request in flight when it filled: the overshoot is at most that request's output
        assertThat(spent).isLessThanOrEqualTo(BUDGET_MICRO_USD + 7 * 800);
    }

    @Test
    void anInputLargerThanTheWholeLimitIsA400InBothDialectsAndNeverReachesTheUpstream() throws Exception {
        String prompt = "lorem ipsum dolor sit amet ".repeat(40);
        String chat = "{\"model\":\"fake/tiny-model\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        HttpResponse<String> openAi = send(gateway.baseUrl(), TINY_KEY, chat);
        JsonNode error = ErrorBodies.assertError(openAi, 400, "invalid_request_error", "request_exceeds_limit");
        assertThat(error.path("message").asText()).contains("input alone").contains("tokens per minute")
                .contains("limit of 50").contains("never").doesNotContain("key:");
        assertThat(openAi.headers().firstValue("retry-after")).isEmpty();

        String messages = "{\"model\":\"fake/tiny-model\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]}";
        HttpResponse<String> anthropic = LimitTesting.http().send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("x-api-key", TINY_KEY).header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(messages)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anthropic.statusCode()).as(anthropic.body()).isEqualTo(400);
        JsonNode a = JSON.readTree(anthropic.body());
        assertThat(a.path("type").asText()).isEqualTo("error");
        assertThat(a.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(a.path("error").path("message").asText()).contains("input alone").contains("never");
        assertThat(anthropic.headers().firstValue("retry-after")).isEmpty();

        // a budget the input's price alone exceeds
        HttpResponse<String> penny = send(gateway.baseUrl(), PENNY_KEY, chat.replace("tiny-model", "penny-model"));
        JsonNode pe = ErrorBodies.assertError(penny, 400, "invalid_request_error", "request_exceeds_limit");
        assertThat(pe.path("message").asText()).contains("budget of $0.001000").contains("never");

        assertThat(upstream.requests()).as("nothing reached the upstream").isEmpty();
        // a small request still passes on both keys
        assertThat(send(gateway.baseUrl(), TINY_KEY, LimitTesting.chat("fake/tiny-model", null, false)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void hostileMaxTokensStillAdmitOnTheEstimateOrGetAClean400() throws Exception {
        String[] values = {"1000000000000", "1e12", "-5", "0.5", "\"lots\"", "1e300", "null", "[1]", "{}",
                "99999999999999999999999999"};
        for (String v : values) {
            String body = "{\"model\":\"fake/hostile-model\",\"max_tokens\":" + v
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            HttpResponse<String> r = send(gateway.baseUrl(), HOSTILE_KEY, body);
            assertThat(r.statusCode()).as("max_tokens %s: %s", v, r.body()).isIn(200, 400);
            if (r.statusCode() == 400) {
                assertThat(JSON.readTree(r.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
            } else {
                // the reservation was the estimate, not the absurd cap: the minute still has room
                assertThat(header(r, "x-ratelimit-remaining-tokens")).as("max_tokens %s", v).isGreaterThan(4000);
            }
        }
    }
}
