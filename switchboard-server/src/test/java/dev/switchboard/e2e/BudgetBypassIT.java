package dev.switchboard.e2e;

import static dev.switchboard.testing.LimitTesting.chat;
import static dev.switchboard.testing.LimitTesting.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.ErrorBodies;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatedAnswers;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LimitTesting;
import dev.switchboard.usage.UsageEvent;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Budgets and limits that a caller cannot get around: spellings the price table does not know, fine-tunes
 * without a price, abandoning a request after the provider started on it, asking for many choices at once,
 * and per-model limits under other spellings of the same upstream model.
 */
class BudgetBypassIT {
    static final String TINY = "sk-bypass-tiny-0001";      // $0.01 a day
    static final String RICH = "sk-bypass-rich-0002";      // $100 a day
    static final String LEAVER = "sk-bypass-leaver-0003";  // $0.05 a day, for the abandoned calls
    static final String ERRS = "sk-bypass-errors-0004";    // $0.05 a day, for calls the provider refused
    static final String CHOICES = "sk-bypass-choices-0005"; // $0.05 a day
    static final String PLAIN = "sk-bypass-plain-0006";    // no budget, no limit of its own
    static final String HEADERS = "sk-bypass-headers-0007"; // 50 requests a minute of its own
    static final String STREAMER = "sk-bypass-streamer-0008"; // $0.05 a day
    static final String TPM = "sk-bypass-tpm-0009";         // 100000 tokens a minute

    static FakeUpstream upstream;
    static FakeGeminiUpstream gemini;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start();
        gemini = FakeGeminiUpstream.start();
        int deadPort;
        try (var s = new java.net.ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: oa, type: openai, base_url: %s, api_key: sk-up-oa }
                  - { name: oft, type: openai, base_url: %s, api_key: sk-up-oft }
                  - { name: dead, type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: sk-up-dead }
                  - { name: gem, type: gemini, base_url: %s, api_key: %s }
                models:
                  - { name: flash, target: gem/gemini-2.5-flash }
                prices:
                  "oft/*": { input: 1000, output: 2000 }
                limits:
                  models:
                    "gem/gemini-2.5-flash": { requests_per_minute: 1 }
                    "oa/gpt-4o-mini": { requests_per_minute: 3 }
                keys:
                  - { name: tiny, key: %s, budget: { usd: 0.01, period: day } }
                  - { name: rich, key: %s, budget: { usd: 100, period: day } }
                  - { name: leaver, key: %s, budget: { usd: 0.05, period: day } }
                  - { name: errs, key: %s, budget: { usd: 0.05, period: day } }
                  - { name: choices, key: %s, budget: { usd: 0.05, period: day } }
                  - { name: plain, key: %s }
                  - { name: headers, key: %s, limits: { requests_per_minute: 50 } }
                  - { name: streamer, key: %s, budget: { usd: 0.05, period: day } }
                  - { name: tpm, key: %s, limits: { tokens_per_minute: 100000 } }
                """.formatted(upstream.baseUrl(), upstream.baseUrl(), deadPort, gemini.baseUrl(),
                FakeGeminiUpstream.API_KEY, TINY, RICH, LEAVER, ERRS, CHOICES, PLAIN, HEADERS, STREAMER, TPM));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
        gemini.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
        gateway.usage().clear();
    }

    // ---- H5: unpriced spellings and models -------------------------------------------------------------

    @Test
    void everySpellingOfAPricedModelIsPricedTheSame() {
        // admission reserves an estimate, so what shows the price is the input alone: more than the $0.01 budget
        String prompt = "word ".repeat(20_000);
        for (String model : List.of("gem/gemini-2.5-pro", "gem/models/gemini-2.5-pro")) {
            String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
            HttpResponse<String> res = send(gateway.baseUrl(), TINY, body);
            JsonNode error = ErrorBodies.assertError(res, 400, "invalid_request_error", "request_exceeds_limit");
            assertThat(error.path("message").asText()).as(model).containsIgnoringCase("your key's budget").doesNotContain("key:");
        }
        // and a small call costs the same under both spellings
        String[] costs = new String[2];
        int i = 0;
        for (String model : List.of("gem/gemini-2.5-pro", "gem/models/gemini-2.5-pro")) {
            HttpResponse<String> res = send(gateway.baseUrl(), RICH, chat(model, 100_000, false));
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            costs[i++] = res.headers().firstValue("x-switchboard-cost-usd").orElseThrow();
        }
        assertThat(costs[1]).isEqualTo(costs[0]).isNotEqualTo("0.000000");
    }

    @Test
    void pathLikeSpellingsNeverRunUnpriced() {
        int before = gemini.requests().size();
        for (String model : List.of("gem/models/../gemini-2.5-pro", "gem/gemini-2.5-pro/../../v1/x", "gem/gemini-2.5-pro#x",
                "gem/gemini-2.5-pro%2F..", "gem/GEMINI-2.5-PRO ", "gem/projects/p/locations/l/publishers/google/models/gemini-2.5-pro")) {
            HttpResponse<String> res = send(gateway.baseUrl(), TINY, chat(model, 100_000, false));
            assertThat(res.statusCode()).as(model + ": " + res.body()).isIn(400, 404, 429);
        }
        assertThat(gemini.requests()).hasSize(before);
    }

    @Test
    void anUnpricedModelIsRefusedWhenABudgetApplies() {
        int before = upstream.requests().size();
        HttpResponse<String> res = send(gateway.baseUrl(), RICH, chat("oa/ft:gpt-4o-mini:acme::x1", 10, false));
        JsonNode error = ErrorBodies.assertError(res, 400, "invalid_request_error", "model_not_priced");
        assertThat(error.path("message").asText()).contains("ft:gpt-4o-mini:acme::x1").contains("prices");
        assertThat(upstream.requests()).hasSize(before);

        // the Anthropic dialect gets the same refusal in its own shape
        HttpResponse<String> anthropic = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("x-api-key", RICH).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"oa/ft:gpt-4o-mini:acme::x1\",\"max_tokens\":10,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build());
        assertThat(anthropic.statusCode()).isEqualTo(400);
        assertThat(anthropic.body()).contains("\"type\":\"error\"").contains("invalid_request_error").contains("not priced");

        // without a budget nothing needs a price
        assertThat(send(gateway.baseUrl(), PLAIN, chat("oa/ft:gpt-4o-mini:acme::x1", 10, false)).statusCode()).isEqualTo(200);
    }

    @Test
    void aFallbackPriceAdmitsAndChargesAnUnknownModel() {
        HttpResponse<String> res = send(gateway.baseUrl(), RICH, chat("oft/ft:gpt-4o-mini:acme::x1", 10, false));
        assertThat(res.statusCode()).isEqualTo(200);
        // the fake's usage (11 prompt, 7 completion tokens) at the fallback's 1000 / 2000 USD per million tokens
        assertThat(res.headers().firstValue("x-switchboard-cost-usd")).hasValue("0.025000");
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(5)).get(0);
        assertThat(e.costUsd()).isEqualTo(0.025);
    }

    // ---- H6: the provider worked, the client left ------------------------------------------------------

    /** About 4,000 input tokens of gpt-4o ($2.5 per million): $0.01 of input, plus the expected output. */
    static String bigPrompt(boolean stream) {
        return "{\"model\":\"oa/gpt-4o\",\"max_tokens\":1000," + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + "word ".repeat(4000) + "\"}]}";
    }

    @Test
    void abandonedCallsAreChargedOnceTheProviderHasTheRequest() throws Exception {
        String body = bigPrompt(false); // over $0.01 reserved each (input + expected output): at most five fit in $0.05
        int admitted = 0;
        for (int i = 0; i < 8; i++) {
            upstream.enqueue(upstream.delayed(Duration.ofSeconds(3)));
            int before = upstream.requests().size();
            String answer = postAndLeave(LEAVER, body, Duration.ofSeconds(1));
            if (answer.startsWith("HTTP/1.1 429")) {
                assertThat(answer).contains("budget_exceeded");
                break;
            }
            assertThat(answer).as("no answer before the client left").isEmpty();
            assertThat(upstream.requests()).as("reached the provider").hasSize(before + 1);
            admitted++;
        }
        assertThat(admitted).as("abandoned calls before the budget was spent").isBetween(1, 5);
        HttpResponse<String> next = send(gateway.baseUrl(), LEAVER, body);
        ErrorBodies.assertError(next, 429, "insufficient_quota", "budget_exceeded");

        // the ledger shows the estimate for the abandoned calls, flagged by usage not reported
        List<UsageEvent> events = gateway.usage().awaitEvents(admitted, Duration.ofSeconds(5));
        List<UsageEvent> left = events.stream().filter(e -> e.status() == 499).toList();
        assertThat(left).hasSize(admitted).allSatisfy(e -> {
            assertThat(e.usageReported()).isFalse();
            assertThat(e.costUsd()).isGreaterThan(0.01);
        });
    }

    @Test
    void anAbandonedStreamIsChargedToo() throws Exception {
        String body = bigPrompt(true);
        int admitted = 0;
        String answer = "";
        for (int i = 0; i < 8 && !answer.startsWith("HTTP/1.1 429"); i++) {
            upstream.enqueue(upstream.delayed(Duration.ofSeconds(3)));
            answer = postAndLeave(STREAMER, body, Duration.ofMillis(500));
            admitted += answer.isEmpty() ? 1 : 0;
        }
        assertThat(answer).startsWith("HTTP/1.1 429").contains("budget_exceeded");
        assertThat(admitted).isBetween(1, 5);
    }

    @Test
    void callsTheProviderRefusedOrNeverSawCostNothing() {
        String body = chat("oa/gpt-4o", 1000, false);
        for (int i = 0; i < 8; i++) {
            upstream.enqueue(FakeUpstream.error(500, "boom"));
            upstream.enqueue(FakeUpstream.error(500, "boom")); // a retry, if the route retries
            HttpResponse<String> res = send(gateway.baseUrl(), ERRS, body);
            assertThat(res.statusCode()).as(res.body()).isBetween(500, 599);
        }
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> res = send(gateway.baseUrl(), ERRS, chat("dead/gpt-4o", 1000, false));
            assertThat(res.statusCode()).as(res.body()).isBetween(500, 599);
        }
        upstream.reset();
        assertThat(send(gateway.baseUrl(), ERRS, body).statusCode()).isEqualTo(200);
    }

    // ---- H7: n and best_of -----------------------------------------------------------------------------

    @Test
    void manyChoicesAreReservedAsManyAnswers() {
        // max_tokens 10 is below any learned estimate (at least 16): each choice reserves exactly 10 tokens
        String one = "{\"model\":\"oa/gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        long input = new dev.switchboard.tokens.TokenEstimator().estimate("gpt-4o", one.getBytes(StandardCharsets.UTF_8))
                .inputTokens();
        String body = one.replace("\"max_tokens\":10", "\"n\":50,\"max_tokens\":10");
        GatedAnswers gate = new GatedAnswers();
        upstream.enqueue(gate.behavior());
        var held = LimitTesting.http().sendAsync(LimitTesting.chatRequest(gateway.baseUrl(), TPM, body),
                HttpResponse.BodyHandlers.ofString());
        LimitsIT.awaitHeld(gate, 1);
        // while it runs, its 50 choices hold 50 × 10 tokens of the key's minute
        HttpResponse<String> probe = send(gateway.baseUrl(), TPM, one);
        assertThat(probe.statusCode()).isEqualTo(200);
        long used = 100_000 - LimitTesting.header(probe, "x-ratelimit-remaining-tokens");
        gate.release();
        assertThat(held.join().statusCode()).isEqualTo(200);
        assertThat(used).as("tokens held by the 50-choice call and the probe").isGreaterThanOrEqualTo(input + 50 * 10 + input + 10);

        String dup = "{\"model\":\"oa/gpt-4o\",\"n\":1,\"max_tokens\":3000,\"n\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        // a duplicated key is refused before admission (one parser could read n:1, the provider n:50)
        ErrorBodies.assertError(send(gateway.baseUrl(), CHOICES, dup), 400, "invalid_request_error", "invalid_json");
    }

    @Test
    void absurdCountsAreRefusedCleanly() {
        for (String extra : List.of("\"max_tokens\":9223372036854775807", "\"max_tokens\":4096,\"n\":9223372036854775807",
                "\"max_tokens\":100000,\"n\":1000000000")) {
            String body = "{\"model\":\"oa/gpt-4o\"," + extra + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            // admission reserves an estimate, so such a call may reach the provider, which refuses it (as OpenAI does)
            upstream.reset();
            upstream.enqueue(FakeUpstream.error(400, "Invalid 'n' or 'max_tokens'"));
            upstream.enqueue(FakeUpstream.error(400, "Invalid 'n' or 'max_tokens'"));
            HttpResponse<String> budget = send(gateway.baseUrl(), CHOICES, body);
            assertThat(budget.statusCode()).as(extra + ": " + budget.body()).isIn(400, 429);
            HttpResponse<String> tokens = send(gateway.baseUrl(), TPM, body);
            assertThat(tokens.statusCode()).as(extra + ": " + tokens.body()).isIn(400, 429);
        }
    }

    // ---- M3 and L8: per-model limits by the target; headers and messages about the caller's own scope ----

    @Test
    void aModelLimitHoldsUnderEverySpellingOfTheModel() throws InterruptedException {
        LimitTesting.awayFromMinuteEdge(Duration.ofSeconds(3));
        assertThat(send(gateway.baseUrl(), PLAIN, chat("gem/gemini-2.5-flash", 10, false)).statusCode()).isEqualTo(200);
        for (String model : List.of("gem/gemini-2.5-flash", "gem/models/gemini-2.5-flash", "gem/Gemini-2.5-Flash", "flash")) {
            JsonNode error = ErrorBodies.assertError(send(gateway.baseUrl(), PLAIN, chat(model, 10, false)), 429,
                    "rate_limit_error", "rate_limit_exceeded");
            assertThat(error.path("message").asText()).as(model).contains("this model's").doesNotContain("model:");
        }
    }

    @Test
    void rateLimitHeadersDescribeOnlyTheCallersOwnKey() throws InterruptedException {
        LimitTesting.awayFromMinuteEdge(Duration.ofSeconds(3));
        // the model-wide limit (3 a minute, shared with everyone) is tighter than the key's own 50
        HttpResponse<String> res = send(gateway.baseUrl(), HEADERS, chat("oa/gpt-4o-mini", 10, false));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(LimitTesting.header(res, "x-ratelimit-limit-requests")).isEqualTo(50);
        assertThat(LimitTesting.header(res, "x-ratelimit-remaining-requests")).isEqualTo(49);
        // a caller without limits of its own learns nothing about the shared counters
        HttpResponse<String> plain = send(gateway.baseUrl(), PLAIN, chat("oa/gpt-4o-mini", 10, false));
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("x-ratelimit-limit-requests")).isEmpty();
    }

    /** Posts over a raw connection, waits {@code patience}, closes; returns what arrived meanwhile ("" if nothing). */
    private static String postAndLeave(String key, String body, Duration patience) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout((int) patience.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            byte[] buf = new byte[8192];
            try {
                int n = s.getInputStream().read(buf);
                return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
            } catch (java.net.SocketTimeoutException e) {
                return "";
            }
        }
    }
}
